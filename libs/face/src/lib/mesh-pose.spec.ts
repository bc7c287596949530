import { cropToSource } from './upright-crop';
import { FACE_MESH_INPUT_SIZE, meshFrame, meshPose } from './mesh-pose';
import { frontalFace3d, viewFace } from '../testing';

/** A 468-point mesh whose cheek (234, 454) and forehead–chin (10, 152) axes are turned by yaw and pitch. */
function meshTurned(yawDeg: number, pitchDeg: number): Float32Array {
  const mesh = new Float32Array(468 * 3).fill(96);
  const yaw = (yawDeg * Math.PI) / 180;
  const pitch = (pitchDeg * Math.PI) / 180;
  const put = (i: number, x: number, y: number, z: number) => mesh.set([96 + x, 96 + y, z], 3 * i);
  put(234, -60 * Math.cos(yaw), 0, -60 * Math.sin(yaw));
  put(454, 60 * Math.cos(yaw), 0, 60 * Math.sin(yaw));
  put(10, 0, -70 * Math.cos(pitch), -70 * Math.sin(pitch));
  put(152, 0, 70 * Math.cos(pitch), 70 * Math.sin(pitch));
  return mesh;
}

describe('meshPose', () => {
  it.each([
    [0, 0],
    [25, -10],
    [-45, 20],
    [70, 0],
  ])('reads yaw %d° and pitch %d° back from the mesh axes', (yaw, pitch) => {
    const pose = meshPose(meshTurned(yaw, pitch));
    expect(pose.yawDeg).toBeCloseTo(yaw, 4);
    expect(pose.pitchDeg).toBeCloseTo(pitch, 4);
  });

  it('refuses a mesh of the wrong length', () => {
    expect(() => meshPose(new Float32Array(10))).toThrow(/468/);
  });
});

describe('meshFrame', () => {
  it.each([0, 30, 90, 180, 270])('is a 192² crop of 1.4 × the box, turned by the eye line of a face rolled %d°', (rollDeg) => {
    const centre = { x: 400, y: 300 };
    const landmarks = viewFace(frontalFace3d(), { scale: 1.5, rollDeg, centre });
    const xs = landmarks.map((p) => p.x);
    const ys = landmarks.map((p) => p.y);
    const box = { x: Math.min(...xs), y: Math.min(...ys), width: 0, height: 0 };
    box.width = Math.max(...xs) - box.x;
    box.height = Math.max(...ys) - box.y;
    const frame = meshFrame(box, landmarks);
    expect(frame.scale).toBeCloseTo((Math.max(box.width, box.height) * 1.4) / FACE_MESH_INPUT_SIZE, 9);
    expect([frame.width, frame.height]).toEqual([FACE_MESH_INPUT_SIZE, FACE_MESH_INPUT_SIZE]);
    expect(Math.cos(frame.angle - (rollDeg * Math.PI) / 180)).toBeCloseTo(1, 6);
    // The chin (point 8) lies below the eyes in the crop whatever the roll.
    const toCrop = (p: { x: number; y: number }) => {
      const dx = p.x - frame.centre.x;
      const dy = p.y - frame.centre.y;
      const c = Math.cos(frame.angle);
      const s = Math.sin(frame.angle);
      return { x: (dx * c + dy * s) / frame.scale + 96, y: (-dx * s + dy * c) / frame.scale + 96 };
    };
    expect(toCrop(landmarks[8]).y).toBeGreaterThan(toCrop(landmarks[36]).y + 40);
    // Round trip: a crop point maps back onto the landmark it came from.
    const back = cropToSource(frame, toCrop(landmarks[30]));
    expect(back.x).toBeCloseTo(landmarks[30].x, 6);
    expect(back.y).toBeCloseTo(landmarks[30].y, 6);
  });
});
