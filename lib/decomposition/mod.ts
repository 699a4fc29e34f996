/**
 * Principal component analysis (PCA), plain or randomized, with whitening.
 *
 * @module
 */

export { PCA, type PCAOptions, type PCAState } from "./pca.ts";
