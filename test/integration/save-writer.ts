/** Helper process for save-crash.test.ts: saves a sizeable project over and over until killed. */
import { newProject, putRunWeights } from '../../engine/project/project.ts';
import { saveProject } from '../../engine/io/project-file.ts';
import { templateSpec } from '../../engine/project/templates.ts';

const path = process.argv[2];
const model = templateSpec('mlp', { inputShape: [2], classes: 2 });
const once = process.argv[3] === 'once';
for (let gen = 1; ; gen++) {
  const b = newProject({ name: `generation ${gen}`, model, dataset: { id: 'spiral', samples: 100, seed: 0 } });
  const w = putRunWeights(b, 'r1', new Map([['w', { shape: [300000], data: new Float32Array(300000).fill(gen) }]]));
  b.project.runs.push({ id: 'r1', name: 'r', created: 'now', status: 'done', spec: model, dataset: b.project.dataset, settings: b.project.training, history: { epochs: [], step_losses: new Array(20000).fill(gen), best_epoch: null, stopped_early: false }, test: null, normalizer: null, weights: w, note: '' });
  if (gen === 1) process.stdout.write('ready\n');
  saveProject(path, b);
  if (once || gen > 200) break;
}
