import sharp from 'sharp';
import { decodeImage } from './decode';
import { clipRegion, cropRaw, openPhoto } from './photo';

const gradient = (width: number, height: number) => {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set([(x * 7) % 256, (y * 5) % 256, (x + y) % 256], (y * width + x) * 3);
  return sharp(data, { raw: { width, height, channels: 3 } });
};

jest.setTimeout(30_000);

describe('openPhoto', () => {
  it('without ICC or alpha: reduced and region views are decoded by sharp, or cut from a held OpenCV view', async () => {
    const jpeg = await gradient(400, 300).jpeg({ quality: 95 }).toBuffer();
    const photo = await openPhoto(jpeg, 'g.jpg');
    expect([photo.width, photo.height, photo.sharesOpenCvPixels]).toEqual([400, 300, true]);
    const reduced = await photo.reduced(100);
    expect([reduced.image.width, reduced.image.height, reduced.toPhoto]).toEqual([100, 75, 4]);
    const wanted = { left: 390, top: -5, width: 50, height: 20 };
    const decoded = await photo.region(wanted);
    const full = await photo.openCvView();
    expect(full).toEqual(await decodeImage(jpeg, { ignoreIcc: true, alpha: 'drop' }));
    const cut = await photo.region(wanted);
    expect([cut.width, cut.height]).toEqual([10, 15]);
    expect(cut).toEqual(cropRaw(full, { left: 390, top: 0, width: 10, height: 15 }));
    expect(decoded).toEqual(cut);
  });

  it('shrunkRegion: the pixels of the reduced view under a region, at every EXIF orientation', async () => {
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const jpeg = await gradient(1200, 900).withMetadata({ orientation }).jpeg({ quality: 90 }).toBuffer();
      const photo = await openPhoto(jpeg, `o${orientation}.jpg`);
      expect([photo.width, photo.height]).toEqual(orientation >= 5 ? [900, 1200] : [1200, 900]);
      for (const maxSide of [300, 700]) {
        const whole = await photo.reduced(maxSide, { fastShrinkOnLoad: false });
        for (const wanted of [
          { left: 101.5, top: 333.2, width: 250.1, height: 410 },
          { left: -40, top: 700, width: 300, height: 400 },
        ]) {
          const shrunk = await photo.shrunkRegion(maxSide, wanted);
          expect(shrunk.toPhoto).toBe(whole.toPhoto);
          const left = Math.floor(wanted.left / whole.toPhoto);
          const top = Math.floor(wanted.top / whole.toPhoto);
          const expected = clipRegion(
            {
              left,
              top,
              width: Math.ceil((wanted.left + wanted.width) / whole.toPhoto) - left,
              height: Math.ceil((wanted.top + wanted.height) / whole.toPhoto) - top,
            },
            whole.image,
          );
          expect({ orientation, maxSide, region: shrunk.region }).toEqual({
            orientation,
            maxSide,
            region: expected,
          });
          expect(shrunk.image).toEqual(cropRaw(whole.image, expected));
        }
      }
    }
  });

  it('shrunkRegion: with an ICC profile, and of a photo no larger than maxSide', async () => {
    const p3 = await gradient(800, 600).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
    const photo = await openPhoto(p3, 'p3.jpg');
    const whole = await photo.reduced(400, { fastShrinkOnLoad: false });
    const shrunk = await photo.shrunkRegion(400, { left: 100, top: 80, width: 500, height: 300 });
    expect(shrunk.region).toEqual({ left: 50, top: 40, width: 250, height: 150 });
    expect(shrunk.image).toEqual(cropRaw(whole.image, shrunk.region));
    const unreduced = await photo.shrunkRegion(800, { left: 10, top: 20, width: 30, height: 40 });
    expect(unreduced.toPhoto).toBe(1);
    expect(unreduced.image).toEqual(await photo.region({ left: 10, top: 20, width: 30, height: 40 }));
  });

  it('applies EXIF orientation to the size and every view', async () => {
    const jpeg = await gradient(40, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const photo = await openPhoto(jpeg, 'r.jpg');
    expect([photo.width, photo.height]).toEqual([20, 40]);
    expect([(await photo.openCvView()).width, (await photo.reduced(10)).image.height]).toEqual([20, 10]);
  });

  it('with an ICC profile: the OpenCV view ignores it, the other views are colour-managed', async () => {
    const p3 = await gradient(64, 64).withIccProfile('p3').jpeg({ quality: 100 }).toBuffer();
    const photo = await openPhoto(p3, 'p3.jpg');
    expect(photo.sharesOpenCvPixels).toBe(false);
    const managed = await decodeImage(p3);
    expect(await photo.openCvView()).toEqual(await decodeImage(p3, { ignoreIcc: true, alpha: 'drop' }));
    expect(await photo.region({ left: 0, top: 0, width: 64, height: 64 })).toEqual(managed);
    expect((await photo.reduced(64)).image).toEqual(managed);
  });

  it('after reduced() decoded the whole photo, regions are cut from it with the pixels a fresh decode gives', async () => {
    const rgba = Buffer.alloc(90 * 70 * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37) % 256;
    const photos: Array<[string, Promise<Buffer>]> = [
      ['p3 jpeg', gradient(90, 70).withIccProfile('p3').jpeg({ quality: 90 }).toBuffer()],
      [
        'rgba png',
        sharp(rgba, { raw: { width: 90, height: 70, channels: 4 } })
          .png()
          .toBuffer(),
      ],
      ['gray jpeg', gradient(90, 70).greyscale().jpeg().toBuffer()],
      ...[3, 6, 8].map((orientation): [string, Promise<Buffer>] => [
        `orientation ${orientation}`,
        gradient(90, 70).withMetadata({ orientation }).jpeg({ quality: 90 }).toBuffer(),
      ]),
    ];
    for (const [name, bytes] of photos) {
      const wanted = { left: 13.5, top: -4, width: 40, height: 51 };
      const fresh = await (await openPhoto(await bytes, name)).region(wanted);
      const photo = await openPhoto(await bytes, name);
      const reduced = await photo.reduced(100);
      expect(reduced.toPhoto).toBe(1);
      const cut = await photo.region(wanted);
      expect({ name, pixels: cut }).toEqual({ name, pixels: fresh });
      expect({ name, pixels: cut }).toEqual({
        name,
        pixels: cropRaw(reduced.image, clipRegion(wanted, photo)),
      });
    }
  });
});
