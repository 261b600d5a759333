import { describe, expect, it } from 'vitest';
import { WebHost } from '../../renderer/src/host/web-host.ts';
import { EngineClient, EngineRequestError } from '../../engine/host/client.ts';
import { MAX_MESSAGE_BYTES } from '../../engine/protocol.ts';

const MiB = 1024 * 1024;

describe('the web renderer refuses to send what the web host would refuse', () => {
  it('fails a request over 64 MiB with the limit in its message, and sends a smaller one', async () => {
    const host = new WebHost('token');
    const client = new EngineClient((m) => host.post(m));
    const big = client.request('validate', { spec: { input_shape: [1], layers: [{ kind: 'x'.repeat(MAX_MESSAGE_BYTES + MiB) }] } });
    await expect(big).rejects.toThrow(/65\.0 MiB, over the protocol's limit of 64 MiB/);
    await expect(big).rejects.not.toBeInstanceOf(EngineRequestError);
    // 22 MiB of three-byte characters is 66 MiB of UTF-8.
    await expect(client.request('validate', { spec: { input_shape: [1], layers: [{ kind: '丢'.repeat(22 * MiB) }] } })).rejects.toThrow(/66\.0 MiB/);
    expect(() => host.post({ id: 1, type: 'validate', s: 'x'.repeat(MAX_MESSAGE_BYTES - MiB) })).not.toThrow();
    expect(client.inFlight).toBe(0);
  });
});
