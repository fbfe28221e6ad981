// Scenes of the built-in ray tracer (`RayTrace`): a JSON description encoded into the
// kernel's input (the `DRT1` format documented in the executor's `kernels::ray_trace`),
// and an independent renderer of the same image in JavaScript. JavaScript computes in
// double precision; rounding every operation's result to single precision
// (`Math.fround`) gives exactly the correctly rounded single-precision result for + − × ÷
// and √, so this renderer, written from the format's rules, draws the bytes every honest
// provider's device draws.

/** Most spheres and planes together. */
export const MAX_OBJECTS = 64;

const f = Math.fround;
const EPSILON = 2 ** -10;
const PARALLEL = 2 ** -20;
const F32_MAX = f(3.4028234663852886e38);

/**
 * The kernel's input for a scene: `{ camera: { eye, target, up, fov }, light: { position,
 * color }, ambient, background, spheres: [{ centre, radius, color, reflect?, checker? }],
 * planes: [{ normal, offset, color, reflect?, checker? }] }` (vectors as `[x, y, z]`).
 */
export function encodeScene(scene) {
  const spheres = scene.spheres ?? [];
  const planes = scene.planes ?? [];
  if (spheres.length + planes.length > MAX_OBJECTS) throw new Error(`at most ${MAX_OBJECTS} objects`);
  const material = (o) => [...o.color, o.reflect ?? 0, o.checker ?? 0];
  const values = [
    ...scene.camera.eye,
    ...scene.camera.target,
    ...scene.camera.up,
    scene.camera.fov,
    ...scene.light.position,
    ...scene.light.color,
    ...scene.ambient,
    ...scene.background,
    ...spheres.flatMap((s) => [...s.centre, s.radius, ...material(s)]),
    ...planes.flatMap((p) => [...p.normal, p.offset, ...material(p)]),
  ];
  if (values.length !== 22 + 9 * (spheres.length + planes.length) || values.some((v) => typeof v !== 'number')) {
    throw new Error('a vector of the scene is not three numbers');
  }
  const bytes = new Uint8Array(8 + 4 * values.length);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('DRT1'));
  view.setUint16(4, spheres.length, true);
  view.setUint16(6, planes.length, true);
  values.forEach((v, i) => view.setFloat32(8 + 4 * i, v, true));
  return bytes;
}

const add = (a, b) => [f(a[0] + b[0]), f(a[1] + b[1]), f(a[2] + b[2])];
const sub = (a, b) => [f(a[0] - b[0]), f(a[1] - b[1]), f(a[2] - b[2])];
const mul = (a, b) => [f(a[0] * b[0]), f(a[1] * b[1]), f(a[2] * b[2])];
const scale = (a, s) => [f(a[0] * s), f(a[1] * s), f(a[2] * s)];
const div = (a, s) => [f(a[0] / s), f(a[1] / s), f(a[2] / s)];
const dot = (a, b) => f(f(f(a[0] * b[0]) + f(a[1] * b[1])) + f(a[2] * b[2]));
const cross = (a, b) => [
  f(f(a[1] * b[2]) - f(a[2] * b[1])),
  f(f(a[2] * b[0]) - f(a[0] * b[2])),
  f(f(a[0] * b[1]) - f(a[1] * b[0])),
];
const unit = (a) => div(a, f(Math.sqrt(dot(a, a))));

/** Decodes `DRT1` bytes into float arrays (the values as the device reads them). */
function decode(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spheres = view.getUint16(4, true);
  const planes = view.getUint16(6, true);
  const values = [];
  for (let i = 8; i < bytes.length; i += 4) values.push(view.getFloat32(i, true));
  const object = (i) => values.slice(22 + 9 * i, 31 + 9 * i);
  return {
    header: values.slice(0, 22),
    objects: Array.from({ length: spheres + planes }, (_, i) => ({ sphere: i < spheres, v: object(i) })),
  };
}

function nearest(objects, origin, dir, limit) {
  let best = null;
  let bestT = limit;
  objects.forEach((o, i) => {
    if (o.sphere) {
      const centre = o.v.slice(0, 3);
      const radius = o.v[3];
      const oc = sub(origin, centre);
      const b = dot(oc, dir);
      const c = f(dot(oc, oc) - f(radius * radius));
      const disc = f(f(b * b) - c);
      if (!(disc >= 0)) return;
      const s = f(Math.sqrt(disc));
      let t = f(-b - s);
      if (!(t > EPSILON)) t = f(-b + s);
      if (t > EPSILON && t < bestT) {
        bestT = t;
        best = { t, normal: div(sub(add(origin, scale(dir, t)), centre), radius), object: i };
      }
    } else {
      const normal = o.v.slice(0, 3);
      const denom = dot(normal, dir);
      if (!(Math.abs(denom) > PARALLEL)) return;
      const t = f(f(o.v[3] - dot(normal, origin)) / denom);
      if (t > EPSILON && t < bestT) {
        bestT = t;
        best = { t, normal, object: i };
      }
    }
  });
  return best;
}

function trace(scene, bounces, origin, dir) {
  const h = scene.header;
  const [light, lightColor, ambient, background] = [h.slice(10, 13), h.slice(13, 16), h.slice(16, 19), h.slice(19, 22)];
  let color = [0, 0, 0];
  let weight = 1;
  for (let bounce = 0; bounce <= bounces; bounce++) {
    const hit = nearest(scene.objects, origin, dir, F32_MAX);
    if (!hit) {
      color = add(color, scale(background, weight));
      break;
    }
    const m = scene.objects[hit.object].v.slice(4, 9);
    const point = add(origin, scale(dir, hit.t));
    let normal = hit.normal;
    if (dot(normal, dir) > 0) normal = scale(normal, -1);
    let base = m.slice(0, 3);
    if (m[4] > 0) {
      const sum = f(Math.floor(f(point[0] / m[4])) + Math.floor(f(point[2] / m[4])));
      if (Math.abs(sum) % 2 >= 1) base = scale(base, 0.25);
    }
    const toLight = sub(light, point);
    const distance = f(Math.sqrt(dot(toLight, toLight)));
    const lightDir = div(toLight, distance);
    const start = add(point, scale(normal, EPSILON));
    const lambert = dot(normal, lightDir);
    const lit = lambert > 0 && !nearest(scene.objects, start, lightDir, distance);
    const surface = mul(base, add(ambient, scale(lightColor, lit ? lambert : 0)));
    color = add(color, scale(surface, f(weight * f(1 - m[3]))));
    weight = f(weight * m[3]);
    if (!(weight > 0)) break;
    dir = sub(dir, scale(normal, f(2 * dot(dir, normal))));
    origin = start;
  }
  return color;
}

const byte = (x) => Math.trunc(f(f((x > 0 ? (x < 1 ? x : 1) : 0) * 255) + 0.5));

/** The image (RGB, rows from the top) the ray tracer draws for `sceneBytes`. */
export function renderScene(sceneBytes, { width, height, samples, bounces }) {
  const scene = decode(sceneBytes);
  const h = scene.header;
  const [eye, target, up0, fov] = [h.slice(0, 3), h.slice(3, 6), h.slice(6, 9), h[9]];
  const forward = unit(sub(target, eye));
  const right = unit(cross(forward, up0));
  const up = cross(right, forward);
  const [w, hgt, s] = [f(width), f(height), f(samples)];
  const aspect = f(w / hgt);
  const image = new Uint8Array(width * height * 3);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      let sum = [0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const fx = f(px + f(f(sx + 0.5) / s));
          const fy = f(py + f(f(sy + 0.5) / s));
          const u = f(f(f(f(f(2 * fx) / w) - 1) * fov) * aspect);
          const v = f(f(1 - f(f(2 * fy) / hgt)) * fov);
          const dir = unit(add(add(forward, scale(right, u)), scale(up, v)));
          sum = add(sum, trace(scene, bounces, eye, dir));
        }
      }
      const mean = div(sum, f(samples * samples));
      image.set(mean.map(byte), (py * width + px) * 3);
    }
  }
  return image;
}
