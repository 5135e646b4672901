/// <reference lib="dom" />
/**
 * The arena in a browser, served at `/play` (`npm start -- --game examples/arena`, then
 * http://127.0.0.1:8080/play): a login form, then the arena on a canvas. It registers and logs in
 * over the login service's HTTP API (the page's own origin), connects to the gate the login
 * names over WebSocket, steers the hero with WASD or the arrow keys, attacks the nearest monster
 * in reach with the space bar, queues for a 2v2 match with Q (C leaves the queue, L leaves the
 * match; a match also ends by itself, and the page says how), and draws what the player sees: the SDK's mirror of it (`client.world`, synced by the
 * server every tick), each entity drawn between its last two positions (`Interpolator`).
 *
 * `window.demo` is a hook for tests and curious players: the page's state and what it drew last.
 */
import { connectBrowser, Interpolator, login, register, type GateClient, type MirrorSpace } from 'tessera/client/browser';
import type { AttackResult } from '../controls.js';
import type { MatchResult } from '../match-referee.js';
import { HERO, MATCH } from '../rules.js';
import type { MatchEntered } from '../spaces.js';
import { COLORS, drawScene, type DrawnSprite } from './draw-scene.js';
import { resultLine } from './result-line.js';
import { sceneOf } from './scene.js';
import { Steering } from './steering.js';

/** The canvas's size in pixels (the whole arena). */
const CANVAS_PX = 600;

/** What `window.demo` offers. */
export interface DemoHook {
  /** `login` until connected, then `playing`; `closed` once the connection is gone. */
  state: 'login' | 'playing' | 'closed';
  /** The type of the space the player is in (`field`, `match`), once the server has said. */
  space: string | undefined;
  /** The player's hero id, once it has been seen. */
  self: string | undefined;
  /** The sprites of the last frame drawn, with their canvas positions. */
  frame(): DrawnSprite[];
}

const demo: DemoHook = { state: 'login', space: undefined, self: undefined, frame: () => lastFrame };
let lastFrame: DrawnSprite[] = [];
(globalThis as unknown as { demo: DemoHook }).demo = demo;

const page = buildPage();

page.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void enter(false);
});
page.register.addEventListener('click', () => void enter(true));

/** Logs in (after registering, for a new player), connects and starts playing. */
async function enter(isNew: boolean): Promise<void> {
  const username = page.username.value.trim();
  const password = page.password.value;
  page.form.inert = true;
  try {
    say(isNew ? 'registering…' : 'logging in…');
    if (isNew) await register(location.origin, username, password);
    const { token, gate } = await login(location.origin, username, password);
    if (!gate.ws) throw new Error('the gate serves no WebSocket (gate.wsPort)');
    say('connecting…');
    const client = await connectBrowser({ url: gate.ws, gateKey: gate.publicKey });
    await client.auth(token);
    play(client, username);
  } catch (err) {
    say((err as Error).message);
    page.form.inert = false;
  }
}

function play(client: GateClient, username: string): void {
  page.form.hidden = true;
  page.canvas.hidden = false;
  page.help.hidden = false;
  demo.state = 'playing';
  say(`${username}: WASD or arrows to walk, space to attack, Q to queue for a 2v2 match`);

  const smooth = new Interpolator(client.world);
  const steering = new Steering((dx, dy) => client.notify('Controls.move', dx, dy));
  const keys: Record<string, () => void> = {
    Space: () => void attackNearest(client),
    KeyQ: () => void act(client.request('arena.queue'), 'queued for a 2v2 match: C leaves the queue'),
    KeyC: () => void act(client.request<boolean>('arena.cancel'), 'left the queue'),
    KeyL: () => void act(client.request('arena.leave'), 'back to the field'),
  };
  addEventListener('keydown', (event) => {
    const action = keys[event.code];
    if (action) {
      event.preventDefault();
      if (!event.repeat) action();
    } else if (steering.press(event.code)) event.preventDefault();
  });
  addEventListener('keyup', (event) => steering.release(event.code));
  addEventListener('blur', () => steering.releaseAll());
  const showSpace = (space: MirrorSpace): void => {
    demo.space = space.type;
    page.space.textContent = space.type === MATCH.type ? 'a 2v2 match (L leaves it)' : `the ${space.type}`;
  };
  // The first snapshot may have come with the login already.
  if (client.world.space) showSpace(client.world.space);
  client.world.onSpace(showSpace);
  client.on('arena.match', (body) => say(`match! your team starts on the ${(body as MatchEntered).team === 0 ? 'west' : 'east'} side`));
  client.on('arena.result', (body) => say(resultLine(body as MatchResult)));
  client.on('arena.death', () => say('you are down: back on your feet in a moment'));
  client.on('arena.respawn', () => say(`${username}: back on your feet`));
  client.on('arena.kill', (body) => say(`kill! ${(body as { totalXp: number }).totalXp} xp in all`));
  client.onClose((reason) => {
    demo.state = 'closed';
    say(`disconnected (${reason})`);
  });

  const frame = (): void => {
    // The mirror's clock is the system clock: the interpolator's samples are stamped with it.
    lastFrame = drawScene(page.canvas, sceneOf(client.world, smooth, performance.timeOrigin + performance.now()));
    demo.self = lastFrame.find((s) => s.kind === 'you')?.id ?? demo.self;
    if (demo.state === 'playing') requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Says `done` once `request` is answered, or the refusal. */
async function act(request: Promise<unknown>, done: string): Promise<void> {
  try {
    const answer = await request;
    say(answer === false ? 'nothing to leave' : done);
  } catch (err) {
    say((err as Error).message);
  }
}

async function attackNearest(client: GateClient): Promise<void> {
  const you = lastFrame.find((s) => s.kind === 'you');
  if (!you) return;
  const prey = lastFrame
    .filter((s) => s.kind === 'monster' && s.health > 0)
    .map((s) => ({ id: s.id, distance: Math.hypot(s.x - you.x, s.y - you.y) }))
    .sort((a, b) => a.distance - b.distance)[0];
  if (!prey || prey.distance > HERO.attackRange) return say('no monster in reach');
  try {
    const outcome = await client.request<AttackResult>('Controls.attack', prey.id);
    say(outcome.result === 'hit' ? `hit ${prey.id}: ${outcome.hp} hp left` : `killed ${prey.id}: +${outcome.xp} xp`);
  } catch (err) {
    say((err as Error).message);
  }
}

function say(text: string): void {
  page.status.textContent = text;
}

function buildPage(): {
  form: HTMLFormElement;
  username: HTMLInputElement;
  password: HTMLInputElement;
  register: HTMLButtonElement;
  canvas: HTMLCanvasElement;
  status: HTMLElement;
  space: HTMLElement;
  help: HTMLElement;
} {
  document.title = 'Arena';
  const style = document.createElement('style');
  style.textContent = `
    [hidden] { display: none !important; }
    body { background: #111827; color: #e5e7eb; font: 15px system-ui, sans-serif; display: flex; flex-direction: column; align-items: center; }
    form { display: flex; gap: 8px; margin: 16px; }
    input, button { font: inherit; padding: 4px 8px; }
    canvas { border: 1px solid ${COLORS.ring}; }
    .you { color: ${COLORS.you}; } .hero { color: ${COLORS.hero}; } .monster { color: ${COLORS.monster}; }`;
  document.head.append(style);
  const title = el('h1', { textContent: 'Arena' });
  const username = el('input', { id: 'username', placeholder: 'username', autocomplete: 'username', required: true });
  const password = el('input', { id: 'password', type: 'password', placeholder: 'password', autocomplete: 'current-password', required: true });
  const submit = el('button', { id: 'login', type: 'submit', textContent: 'Log in' });
  const register = el('button', { id: 'register', type: 'button', textContent: 'New player' });
  const form = el('form', { id: 'login-form' });
  form.append(username, password, submit, register);
  const status = el('p', { id: 'status', textContent: 'log in, or pick a name and a password for a new player' });
  const canvas = el('canvas', { id: 'arena', width: CANVAS_PX, height: CANVAS_PX, hidden: true });
  const help = el('p', { hidden: true });
  const space = el('span', { id: 'space', textContent: '…' });
  help.innerHTML = '<span class="you">●</span> you &nbsp; <span class="hero">●</span> other players &nbsp; <span class="monster">●</span> monsters &nbsp; in ';
  help.append(space);
  document.body.append(title, form, status, canvas, help);
  return { form, username, password, register, canvas, status, space, help };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]>): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}
