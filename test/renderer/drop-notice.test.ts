/** After a drop the user is told what became of each file, in their language. */
import { afterEach, describe, expect, it } from 'vitest';
import { i18n, t } from '../../renderer/src/i18n/index.svelte.ts';
import { dropNotice } from '../../renderer/src/lib/drop-notice.ts';

const nothing = { project: null, openedElsewhere: 0, data: null, refused: [] };

describe('dropNotice', () => {
  afterEach(() => i18n.set('en'));

  it('says nothing when a project simply opened', () => {
    expect(dropNotice({ ...nothing, project: '/p/a.dlab' }, t)).toBeNull();
  });

  it('names the data offered to the Data view and the projects opened elsewhere', () => {
    i18n.set('en');
    expect(dropNotice({ ...nothing, data: { kind: 'csv', path: 'C:\\data\\iris.csv' }, openedElsewhere: 2 }, t)).toEqual({
      kind: 'info',
      text: 'iris.csv is ready in the Data view: check its options, then Load. Opened 2 more project(s) in their own windows.',
    });
  });

  it('groups refusals by reason, as an error, in Chinese too', () => {
    const r = { ...nothing, data: { kind: 'idx' as const, path: '/d/mnist' }, refused: [{ name: 'a.png', reason: 'unsupported' as const }, { name: 'b.csv', reason: 'one-data-source' as const }, { name: 'c.gif', reason: 'unsupported' as const }] };
    i18n.set('en');
    const en = dropNotice(r, t);
    expect(en?.kind).toBe('error');
    expect(en?.text).toContain('Not opened: a.png, c.gif (drop a .dlab project');
    expect(en?.text).toContain('Not offered: b.csv (the Data view takes one source at a time');
    i18n.set('zh');
    expect(dropNotice(r, t)?.text).toBe('文件夹 mnist 已作为 IDX 文件放入“数据”视图：点击“加载”即可用于训练。 未打开：a.png, c.gif（请拖入 .dlab 项目、CSV/TSV 文件或 IDX 文件夹）。 未放入：b.csv（“数据”视图一次只接受一个数据源，请逐个拖入）。');
  });
});
