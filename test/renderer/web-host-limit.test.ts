import { describe, expect, it } from 'vitest';
import { WebHost } from '../../renderer/src/host/web-host.ts';
import { EngineClient, EngineRequestError } from '../../engine/host/client.ts';

const MiB = 1024 * 1024;

describe('the web renderer refuses to send what the web host would refuse', () => {
  it('fails a request over 16 MiB with the limit in its message, and sends a smaller one', async () => {
    const host = new WebHost('token');
    const client = new EngineClient((m) => host.post(m));
    const big = client.request('validate', { spec: { input_shape: [1], layers: [{ kind: 'x'.repeat(17 * MiB) }] } });
    await expect(big).rejects.toThrow(/17\.0 MiB, over the protocol's limit of 16 MiB/);
    await expect(big).rejects.not.toBeInstanceOf(EngineRequestError);
    // 6 MiB of three-byte characters is 18 MiB of UTF-8.
    await expect(client.request('validate', { spec: { input_shape: [1], layers: [{ kind: '丢'.repeat(6 * MiB) }] } })).rejects.toThrow(/18\.0 MiB/);
    expect(() => host.post({ id: 1, type: 'validate', s: 'x'.repeat(15 * MiB) })).not.toThrow();
    expect(client.inFlight).toBe(0);
  });
});
