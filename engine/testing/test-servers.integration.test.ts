import { Etcd3 } from 'etcd3';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';

describe('test servers (real processes on loopback)', () => {
  it('etcd stores a key and reads it back', async () => {
    const etcd = new Etcd3({ hosts: inject('etcdUrl') });
    try {
      await etcd.put('smoke/key').value('hello etcd');
      expect(await etcd.get('smoke/key').string()).toBe('hello etcd');
      await etcd.delete().key('smoke/key');
    } finally {
      etcd.close();
    }
  });

  it('redis stores a key and reads it back', async () => {
    const redis = new Redis(inject('redisUrl'), { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await redis.set('smoke:key', 'hello redis', 'EX', 60);
      expect(await redis.get('smoke:key')).toBe('hello redis');
    } finally {
      redis.disconnect();
    }
  });

  describe('FerretDB through the official mongodb driver', () => {
    const client = new MongoClient(inject('mongoUrl'), { serverSelectionTimeoutMS: 5_000 });
    afterAll(() => client.close());

    it('inserts documents and finds them by a field', async () => {
      const col = client.db('smoke').collection<{ _id: string; kind: string; n: number }>('docs');
      await col.deleteMany({});
      await col.insertMany([
        { _id: 'a', kind: 'x', n: 1 },
        { _id: 'b', kind: 'y', n: 2 },
        { _id: 'c', kind: 'x', n: 3 },
      ]);
      const found = await col.find({ kind: 'x' }).sort({ n: 1 }).toArray();
      expect(found.map((d) => d._id)).toEqual(['a', 'c']);
    });
  });
});
