/**
 * Principal component analysis (PCA), plain or randomized, with whitening.
 *
 * @module
 */

export * from "./pca.ts";
