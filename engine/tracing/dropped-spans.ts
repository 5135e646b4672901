/**
 * Counts the spans a BatchSpanProcessor drops because its queue is full. The SDK reports them on
 * its self-observability counter `otel.sdk.processor.span.processed` with `error.type`
 * `queue_full`; this meter provider hands only those to a callback and ignores the rest.
 */
import { createNoopMeter, type Attributes, type Counter, type Meter, type MeterProvider, type MetricOptions } from '@opentelemetry/api';

const PROCESSED = 'otel.sdk.processor.span.processed';
const QUEUE_FULL = 'queue_full';

/** A meter provider for the span processor's `selfObsMeterProvider` that reports drops to `onDropped`. */
export function droppedSpansMeterProvider(onDropped: (count: number) => void): MeterProvider {
  const noop = createNoopMeter();
  const dropped: Counter = {
    add: (count: number, attributes?: Attributes) => {
      if (attributes?.['error.type'] === QUEUE_FULL) onDropped(count);
    },
  };
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter: (name: string, options?: MetricOptions): Counter => (name === PROCESSED ? dropped : noop.createCounter(name, options)),
  });
  return { getMeter: () => meter };
}
