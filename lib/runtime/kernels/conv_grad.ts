/**
 * Gradients of `conv2d` expressed as forward convolutions, so that the wasm
 * backend runs them on its fast XNNPACK `Conv2D` kernel: the stock wasm
 * backend has no `Conv2DBackpropFilter` kernel and a slow
 * `Conv2DBackpropInput`.
 *
 * - filter gradient: a convolution of the input (channels as batch) with the
 *   output gradient (batch as channels), the forward stride becoming the
 *   dilation and the forward dilation the stride;
 * - input gradient: a stride-1 convolution of the output gradient (zeros
 *   inserted between rows/columns when the forward stride is above 1) with
 *   the spatially flipped filter whose in/out channels are swapped.
 *
 * All layouts are NHWC (`channelsLast`), filters `[fh, fw, in, out]`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Geometry of a forward `conv2d`. */
export interface ConvGeometry {
  strides: [number, number];
  dilations: [number, number];
  /** Resolved padding: top, bottom, left, right. */
  pad: { top: number; bottom: number; left: number; right: number };
  filterHeight: number;
  filterWidth: number;
  outHeight: number;
  outWidth: number;
}

type PadAttr = "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];

/**
 * Resolves the geometry of a forward convolution from its attributes, with
 * tfjs' own shape logic (the same rounding as the kernels).
 */
export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: PadAttr,
  dilations: number | [number, number] = 1,
  dimRoundingMode?: "floor" | "round" | "ceil",
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
  return {
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pad: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
  };
}

/**
 * Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor,
 * returning explicit non-negative paddings for a following convolution.
 */
function cropForPadding(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: tf.Tensor4D; pad: [[number, number], [number, number], [number, number], [number, number]] } {
  const ct = Math.max(0, -top), cb = Math.max(0, -bottom), cl = Math.max(0, -left), cr = Math.max(0, -right);
  let y = x;
  if (ct || cb || cl || cr) {
    const [n, h, w, c] = x.shape;
    y = tf.slice(x, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]);
  }
  return {
    x: y,
    pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
  };
}

/**
 * Gradient of `conv2d` with respect to its filter, as one forward
 * convolution. Returns a tensor of shape `filterShape`.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  geometry: ConvGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [sh, sw] = geometry.strides, [dh, dw] = geometry.dilations;
    const [fh, fw] = filterShape;
    const [, oh, ow] = dy.shape;
    const [, h, w] = x.shape;
    // Output rows of the gradient convolution must be exactly fh: rows the
    // forward pass never read (stride leftovers) are padded away or cropped.
    const top = geometry.pad.top, left = geometry.pad.left;
    const bottom = (fh - 1) * dh + (oh - 1) * sh + 1 - h - top;
    const right = (fw - 1) * dw + (ow - 1) * sw + 1 - w - left;
    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [ci, H, W, B]
    const { x: xc, pad } = cropForPadding(xt, top, bottom, left, right);
    const k = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, B, co]
    const g = tf.conv2d(xc, k, [dh, dw], pad, "NHWC", [sh, sw]); // [ci, fh, fw, co]
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** Inserts `s - 1` zeros between consecutive rows/columns of an NHWC tensor. */
function dilateSpatial(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const y = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const full = tf.reshape(y, [n, h * sh, w * sw, c]) as tf.Tensor4D;
  return tf.slice(full, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * Gradient of `conv2d` with respect to its input, as one stride-1 forward
 * convolution. Returns a tensor of shape `xShape`.
 */
export function conv2dInputGrad(
  xShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  geometry: ConvGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [sh, sw] = geometry.strides, [dh, dw] = geometry.dilations;
    const [, h, w] = xShape;
    const [fh, fw] = filter.shape;
    const up = dilateSpatial(dy, sh, sw);
    const top = (fh - 1) * dh - geometry.pad.top, left = (fw - 1) * dw - geometry.pad.left;
    const bottom = h + (fh - 1) * dh - up.shape[1] - top;
    const right = w + (fw - 1) * dw - up.shape[2] - left;
    const { x: upc, pad } = cropForPadding(up, top, bottom, left, right);
    const k = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [fh, fw, co, ci]
    return tf.conv2d(upc, k, 1, pad, "NHWC", [dh, dw]);
  });
}
