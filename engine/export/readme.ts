/** README.md of a PyTorch export: what each file is and how to run it, on one machine or many. */
import type { Dataset } from '../data/dataset.ts';
import type { ModelSpec } from '../nn/spec.ts';
import type { TrainingSettings } from '../train/settings.ts';

export interface ReadmeOptions {
  title: string;
  spec: ModelSpec;
  settings: TrainingSettings;
  splits: { train: Dataset; val: Dataset; test: Dataset };
  normalized: boolean;
  schedules: number;
}

export function exportReadme(o: ReadmeOptions): string {
  const s = o.settings;
  const opt = s.optimizer;
  const { train, val, test } = o.splits;
  return `# ${o.title}

Exported from Dropout Lab. Needs only PyTorch (and torchvision when model.py
imports it) and NumPy; the \`safetensors\` package is not needed: model.py
carries a small reader and writer.

| file | what it is |
|---|---|
| \`model.py\` | the model as an \`nn.Sequential\` with the lab's layer names, \`preprocess()\` (the lab's input normalisation) and \`load_model()\` |
| \`weights.safetensors\` | the run's weights (the initial ones for an untrained project); keys are exactly \`Model().state_dict()\`'s, so \`load_state_dict(..., strict=True)\` |
| \`init.safetensors\` | the lab's initial weights for seed ${s.seed}; \`train.py\` starts from them |
| \`data.safetensors\` | the lab's split of ${train.name.replace(/ \(train\)$/, '')}: ${train.size} training, ${val.size} validation, ${test.size} test samples${train.features instanceof Uint8Array ? ' (bytes, scaled by 1/255 when read)' : ''} |
| \`train.py\` | the lab's training loop in PyTorch, for one process or many |

## Predict

\`\`\`python
from model import load_model, preprocess
model = load_model()                 # eval mode: dropout off
y = model(preprocess(x))             # x shaped (batch, ${o.spec.input_shape.join(', ')})
\`\`\`

or \`python model.py inputs.npy outputs.npy\`, the same as \`dlab predict --mode eval\`.
${o.normalized ? '`preprocess` standardises inputs with the mean and standard deviation the lab fitted on the training split.\n' : ''}
## Train

\`\`\`sh
python train.py                                  # ${s.epochs} epochs, batch ${s.batch_size}, ${opt.type} lr ${opt.lr}
python train.py --epochs 1 --log log.json        # per-step losses and epoch metrics as JSON
torchrun --nproc_per_node 4 train.py             # DistributedDataParallel: gloo on CPU, nccl on GPUs
\`\`\`

(Debian's torch 1.13 under Python 3.11: \`torchrun --redirects 1 --tee 1 --nproc_per_node 4 train.py\`;
its launcher cannot parse its own default \`0\` there.)

It follows the run's settings: optimizer ${opt.type} (lr ${opt.lr}), weight decay ${s.weight_decay}, LR schedule ${s.lr_schedule.type},
${s.grad_clip !== null ? `gradient clipping at ${s.grad_clip}, ` : ''}label smoothing ${s.label_smoothing}, early stopping ${s.early_stopping ? `on ${s.early_stopping.monitor} (patience ${s.early_stopping.patience})` : 'off'},
${o.schedules ? `${o.schedules} dropout schedule(s), ` : ''}seed ${s.seed}. \`model.train()\` is on while training and \`model.eval()\` while
validating and testing, as the article insists. The trained weights go to \`trained.safetensors\`;
\`dlab import project.dlab --weights trained.safetensors\` brings them back into the lab as a new run.

- Batches are shuffled (and augmented) with the lab's own random streams, so
  with dropout at 0 the per-step losses are the lab's. Dropout masks come from
  torch's generator and cannot match the lab's.
- Under torchrun each global batch of ${s.batch_size} is split across the
  processes and the gradients averaged, so N processes follow the one-process
  run; BatchNorm normalises each process's rows (convert it to
  \`nn.SyncBatchNorm\` on GPUs if that matters).
`;
}
