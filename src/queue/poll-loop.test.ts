import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log.ts';
import { nextRetry } from './leased.ts';
import { PollLoop } from './poll-loop.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the polling loop', () => {
  it('runs again at once after work, sleeps when idle, and wakes on notify', async () => {
    const rounds: number[] = [];
    let due = 3;
    const bus = new EventEmitter();
    const loop = new PollLoop({
      round: async () => {
        rounds.push(Date.now());
        const n = due;
        due = 0;
        return n;
      },
      pollMs: 10_000,
      wakeOn: (wake) => {
        bus.on('work', wake);
        return () => bus.off('work', wake);
      },
      log: silentLogger,
      what: 'test round',
    });
    loop.start();
    await sleep(50);
    // The working round, then the one that found nothing; then asleep for 10 s.
    expect(rounds).toHaveLength(2);
    due = 1;
    bus.emit('work');
    await sleep(50);
    expect(rounds).toHaveLength(4);
    await loop.stop();
    expect(bus.listenerCount('work')).toBe(0);
  });

  it('stop() waits for the round in hand, and starts no other', async () => {
    let finished = false;
    let started = 0;
    const loop = new PollLoop({
      round: async () => {
        started++;
        await sleep(100);
        finished = true;
        return 1;
      },
      pollMs: 10,
      log: silentLogger,
      what: 'test round',
    });
    loop.start();
    await sleep(20);
    await loop.stop();
    expect(finished).toBe(true);
    expect(started).toBe(1);
  });

  it('logs a failed round and goes on; idle sleeps grow to maxIdleMs', async () => {
    const at: number[] = [];
    const errors: unknown[] = [];
    const logged: string[] = [];
    const log = { ...silentLogger, error: (msg: string) => logged.push(msg) } as typeof silentLogger;
    const loop = new PollLoop({
      round: async () => {
        at.push(performance.now());
        if (at.length === 1) throw new Error('database gone');
        return 0;
      },
      pollMs: 20,
      maxIdleMs: 80,
      log,
      what: 'test round',
      onRound: (err) => errors.push(err),
    });
    // The sleeps the loop asks for, whatever the machine's load makes of them.
    const asked: number[] = [];
    const real = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      asked.push(ms ?? 0);
      return real(fn, ms);
    }) as typeof setTimeout);
    loop.start();
    await sleep(400);
    await loop.stop();
    spy.mockRestore();
    expect(logged).toEqual(['test round failed']);
    expect((errors[0] as Error).message).toBe('database gone');
    expect(errors.slice(1).every((e) => e === null)).toBe(true);
    // 20, 40, 80, 80 ...: doubling, then capped (the test's own 400 ms sleep is the one 400).
    const sleeps = asked.filter((ms) => ms !== 400);
    expect(sleeps.slice(0, 4)).toEqual([20, 40, 80, 80]);
    expect(new Set(sleeps.slice(2))).toEqual(new Set([80]));
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
  });
});

describe('the retry rule', () => {
  const policy = { maxAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 60_000, random: () => 1 };

  it('backs off exponentially, honours the other side, and gives up by count or by time', () => {
    expect(nextRetry(1, policy)).toEqual({ retry: true, delayMs: 1000 });
    expect(nextRetry(3, policy)).toEqual({ retry: true, delayMs: 4000 });
    expect(nextRetry(3, policy, 0, 30_000)).toEqual({ retry: true, delayMs: 30_000 });
    expect(nextRetry(5, policy)).toEqual({ retry: false, reason: 'gave up after 5 attempts' });
    const byTime = { ...policy, maxAttempts: null, giveUpAfterMs: 3_600_000 };
    // The last wait ends on the deadline, not after it.
    expect(nextRetry(20, byTime, 3_599_000)).toEqual({ retry: true, delayMs: 1000 });
    expect(nextRetry(20, byTime, 3_600_000)).toEqual({
      retry: false,
      reason: 'gave up after 1 h and 20 attempts',
    });
  });
});
