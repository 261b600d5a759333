/**
 * The web host's recent-projects endpoint, `/recent`, shared by the web host
 * (which validates what a tab sends) and the renderer's web host (which
 * validates the answer): GET lists, POST `{path}` notes a project opened or
 * saved. Both need the launch token as `Authorization: Bearer <token>`.
 */
import { z } from 'zod';

export const RecentNote = z.strictObject({ path: z.string().min(1).max(4096) });
export const RecentAnswer = z.strictObject({ recent: z.array(z.string()) });
/** The largest POST body the endpoint reads, in bytes. */
export const MAX_RECENT_BODY = 16 * 1024;
