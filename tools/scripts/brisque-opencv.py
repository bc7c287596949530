"""OpenCV's BRISQUE (cv2.quality, the reference our port equals) for every image under a folder.

  /usr/bin/python3 tools/scripts/brisque-opencv.py DIR > opencv.csv   (needs python3-opencv)

Prints `file,brisque` with paths relative to DIR, sorted, like tools/scripts/brisque-csv.ts, so the
two CSVs (or a manifest's whole-photo `brisque` column) can be compared photo by photo.
"""
import os
import sys

import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, '../../libs/brisque/model/brisque_model_live.yml')
RANGE = os.path.join(HERE, '../../libs/brisque/model/brisque_range_live.yml')
EXTENSIONS = ('.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp')


def main(root: str) -> None:
    quality = cv2.quality.QualityBRISQUE_create(MODEL, RANGE)
    files = sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, _, names in os.walk(root)
        for f in names
        if f.lower().endswith(EXTENSIONS)
    )
    print('file,brisque')
    for rel in files:
        image = cv2.imread(os.path.join(root, rel))
        if image is None:
            print(f'{rel}: OpenCV cannot read it', file=sys.stderr)
            continue
        print(f'{rel},{quality.compute(image)[0]:.4f}')


if __name__ == '__main__':
    main(sys.argv[1])
