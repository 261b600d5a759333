/**
 * What one edit costs the recovery journal (engine/host/recovery-journal.ts)
 * when the project holds a run with 0, 30,000 or 300,000 step losses: the run
 * is recorded first (one write), then 30 renames are each journaled and timed.
 * Prints min / median / max in ms per edit, and the one write that recorded the run. `npx tsx bench/journal-write.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecoveryJournal } from '../engine/host/recovery-journal.ts';
import { journalFiles } from '../engine/io/journal-files.ts';
import { newProject, type Project, type RunRecord } from '../engine/project/project.ts';
import { templateSpec } from '../engine/project/templates.ts';

const WRITES = 30;

function projectWithRun(stepLosses: number): Project {
  const { project } = newProject({ name: 'bench', model: templateSpec('mlp', { inputShape: [2], classes: 2, vocab: 0 }), dataset: { id: 'moons', samples: 200, seed: 0 } });
  const epochs = Math.max(1, Math.round(stepLosses / 100));
  const run: RunRecord = {
    id: 'run-bench-0001', name: 'long run', created: project.created, status: 'done', spec: project.model, dataset: project.dataset, settings: project.training,
    history: {
      epochs: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, train_loss: 1 / (i + 1), train_accuracy: 0.5, val_loss: 1 / (i + 2), val_accuracy: 0.5, lr: 0.01, dropout_p: {}, seconds: 0.1 })),
      step_losses: Array.from({ length: stepLosses }, (_, i) => 2 / (1 + i * 0.001) + Math.sin(i) * 1e-3),
      best_epoch: epochs, stopped_early: false,
    },
    test: { loss: 0.3, accuracy: 0.9 }, normalizer: null, weights: { file: 'runs/run-bench-0001.safetensors', crc32: 1 }, note: '',
  };
  return { ...project, runs: stepLosses > 0 ? [run] : [] };
}

function timeEdits(stepLosses: number): { record: number; edits: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'dlab-journal-bench-'));
  try {
    const journal = new RecoveryJournal(journalFiles(join(dir, 'recovery'), 'bench', 'bench'), process.pid, (m) => console.error(m));
    let doc = projectWithRun(stepLosses);
    const r0 = performance.now();
    journal.write({ doc, path: null, dirty: true }); // the run is recorded
    const record = performance.now() - r0;
    const ms: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      doc = { ...doc, name: `bench ${i}` }; // an edit, as ProjectSession.edit makes it
      const t0 = performance.now();
      journal.write({ doc, path: null, dirty: true });
      ms.push(performance.now() - t0);
    }
    return { record, edits: ms.sort((a, b) => a - b) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const n of [0, 30_000, 300_000]) {
  const { record, edits: ms } = timeEdits(n);
  const f = (x: number) => x.toFixed(1);
  console.log(`${String(n).padStart(7)} step losses: ${f(ms[0])} / ${f(ms[ms.length >> 1])} / ${f(ms[ms.length - 1])} ms per edit's journal write (min / median / max over ${WRITES}); recording the run: ${f(record)} ms`);
}
