/** Test builders for specs of this and other libs (nx-examples' `testing` entry point). */
export {
  frontalFace3d,
  viewFace,
  mirrorLandmarks,
  MIRROR_INDEX,
  type Point3,
} from './lib/testing/test-faces';
