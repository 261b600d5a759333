/**
 * chart.js puts a tick at each end of a 'data'-bounded axis besides its round
 * steps, so the last round step can sit just before the end (251 beside 254)
 * and their labels overlap. Drop a round step that is closer to an end than
 * half a step: the ends keep their labels, the rest stay evenly spaced.
 */
export function thinEndTicks(values: readonly number[]): number[] {
  const v = [...values];
  if (v.length < 4) return v;
  const step = v[2] - v[1];
  if (v[v.length - 1] - v[v.length - 2] < step / 2) v.splice(v.length - 2, 1);
  if (v.length >= 4 && v[1] - v[0] < step / 2) v.splice(1, 1);
  return v;
}
