/**
 * The advisor's findings in each language: one template table per locale,
 * filled from a finding's data (engine/experiments/advice-text.ts). English
 * is the engine's own table, which the CLI prints too.
 */
import { ADVICE_EN, type AdviceTemplates } from '../../../engine/experiments/advice-text.ts';
import type { Locale } from './index.svelte.ts';

const zh: AdviceTemplates = {
  layer: '层 {path}',
  title: {
    'dropout-after-batchnorm': 'Dropout 紧跟在 BatchNorm 之后',
    'elementwise-dropout-on-feature-maps': '在特征图上逐元素 Dropout',
    'dropout-on-output': 'Dropout 作用在输出上',
    'dropout-rate': 'Dropout 概率不常见',
    'alpha-dropout-without-selu': 'AlphaDropout 未配合 SELU',
    'fc-without-dropout': '大的全连接层没有 Dropout',
    'transformer-attention-dropout': '缺少注意力 Dropout',
    'transformer-ffn-dropout': '缺少前馈网络 Dropout',
    'transformer-embedding-dropout': '缺少嵌入 Dropout',
    'train-mode-action': '模型处于训练模式',
  },
  message: {
    'dropout-after-batchnorm': '{kind} {name} 紧跟在 {prev} 之后。',
    'elementwise-dropout-on-feature-maps': '{kind} {name} 在 {shape} 的特征图上丢弃单个像素。',
    'dropout-on-output': '{kind} {name} 作用在模型的输出分数上。',
    'dropout-on-output.softmax': '{kind} {name} 作用在模型的输出分数上，紧挨在 {next} 之前。',
    'dropout-rate.zero': '{kind} {name} 的 p = 0，不起任何作用。',
    'dropout-rate.low': '{kind} {name} 的 p = {p}，低于常用的 0.1–0.5。',
    'dropout-rate.high': '{kind} {name} 的 p = {p}，高于常用的 0.1–0.5。',
    'dropout-rate.extreme': '{kind} {name} 的 p = {p}，高于常用的 0.1–0.5；大部分单元都被丢弃。',
    'alpha-dropout-without-selu': '{kind} {name} 用在了没有 SELU 的模型中。',
    'fc-without-dropout': 'Linear {name}（{params} 个参数）后面没有 Dropout，而上一次运行出现了过拟合：最近 {epochs} 个 epoch 中，验证与训练损失之差增大了 {growth}，达到 {gap}。',
    'transformer-attention-dropout': 'Transformer 块 {name} 的注意力输出上没有 Dropout。',
    'transformer-ffn-dropout': 'Transformer 块 {name} 的前馈网络输出上没有 Dropout。',
    'transformer-embedding-dropout': '词元嵌入 {name} 之后没有 Dropout。',
    'transformer-embedding-dropout.positional': '词元 + 位置嵌入 {name} 之后没有 Dropout。',
    'train-mode-action.evaluate': '评估模型时，模型仍处于训练模式。',
    'train-mode-action.export': '导出模型时，模型仍处于训练模式。',
    'train-mode-action.predict': '用模型预测时，模型仍处于训练模式。',
  },
  explanation: {
    'dropout-after-batchnorm': 'BatchNorm 本身已有正则化作用；紧跟其后的 Dropout 与之重叠，还会让 BatchNorm 在训练中学到的统计量与评估时看到的不一致，使训练变慢、变得不稳定。把 Dropout 放到别处（放在其后的激活函数之后），或者降低 p。',
    'elementwise-dropout-on-feature-maps': '特征图中相邻像素高度相关，被丢弃的像素很容易由邻居补上，因此逐元素 Dropout 的正则化效果很弱。结构化 Dropout 改为丢弃整张特征图（Dropout2d）或连续的区块（DropBlock2d）。',
    'dropout-on-output': 'Dropout 应放在隐藏层之后（文章把它放在全连接层之后、输出层之前），而不是输出本身：随机把输出分数置零会让损失看到任意的类别分数，对学习特征毫无帮助。',
    'dropout-rate': '常用范围是 0.3–0.5；只要验证集支持，超出 0.1–0.5 也没有问题。模型过拟合时提高 p，欠拟合时降低 p。',
    'dropout-rate.extreme': 'p = {p} 时，每一步只有 {keep}% 的单元保留下来，模型通常会欠拟合。常用范围是 0.3–0.5：过拟合时提高 p，欠拟合时降低 p，并让验证集来决定（参数扫描正是做这件事的）。',
    'alpha-dropout-without-selu': 'AlphaDropout 把被丢弃的单元设为 SELU 的负饱和值并重新缩放，使激活保持均值 0、方差 1；这只在自归一化的 SELU 网络中成立（见 PyTorch 的 nn.AlphaDropout 文档；文章未涉及）。使用其他激活函数时请用普通的 Dropout。',
    'fc-without-dropout': '全连接层占据了大部分参数，并把每个单元与其他所有单元耦合在一起，过拟合往往从这里开始；在其后加 Dropout 是文章的首选。这里的“差距扩大”指：差距在 {epochs} 个 epoch 内增大超过 {threshold}，且已超过 {min}。',
    'transformer-attention-dropout': '文章在多头注意力的输出之后和前馈网络之后、每次残差相加之前使用 Dropout（x = LayerNorm(x + Dropout(sublayer(x)))）；常用概率为 0.1。',
    'transformer-ffn-dropout': '文章在多头注意力的输出之后和前馈网络之后、每次残差相加之前使用 Dropout（x = LayerNorm(x + Dropout(sublayer(x)))）；常用概率为 0.1。',
    'transformer-embedding-dropout': '文章也对词元嵌入与位置嵌入之和使用 Dropout，这样第一个块就不能依赖任何单一的嵌入维度。',
    'train-mode-action': '训练模式下 Dropout 仍在丢弃单元，因此得分和预测都带有噪声、偏于悲观，导出的模型也会带着错误的行为。评估、预测或导出之前请切换到评估模式（PyTorch 中的 model.eval()）；只有做 MC-dropout 时才有意使用训练模式。',
  },
  fix: {
    'move-after': '把 {kind} 移到 {next} 之后',
    'lower-p': '把 p 降到 {p}',
    'use-dropout2d': '改用 Dropout2d（丢弃整张特征图）',
    remove: '删除 {kind} {name}',
    'set-p': '把 p 设为 {p}',
    'use-dropout': '改用 Dropout（p = {p}）',
    'add-dropout-after': '在 {name} 之后加入 Dropout(p={p})',
    'set-arg': '把 {arg} 设为 {value}',
    'add-embedding-dropout': '在嵌入之后加入 Dropout(p={p})',
    'set-layer-dropout': '把 {name} 的 dropout 设为 {value}',
  },
};

export const ADVICE: Record<Locale, AdviceTemplates> = { en: ADVICE_EN, zh };
