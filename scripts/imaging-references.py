#!/usr/bin/env python3
"""Writes the reference fixtures of ImagingTests (run with a Python that has Pillow).

    scripts/imaging-references.py Tests/ImagingTests/Fixtures

pil-resize.txt : Image.resize outputs of Pillow for a synthetic pattern (one case per line:
                 filter inW inH channels outW outH hex-bytes), the pattern being
                 (x*37 + y*91 + c*53 + ((x*y) % 17) * 13) % 256 for channel c of pixel (x, y).
image-files.txt: small PNG and JPEG files in many formats (name base64 channels width height hex-pixels),
                 the pixels being what Pillow decodes after convert("RGB") or convert("L").
"""
import base64, io, struct, sys, zlib
import PIL
from PIL import Image

out = sys.argv[1]
FILTERS = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}


def pattern(w, h, c):
    return bytes((x * 37 + y * 91 + k * 53 + ((x * y) % 17) * 13) % 256
                 for y in range(h) for x in range(w) for k in range(c))


with open(f"{out}/pil-resize.txt", "w") as f:
    f.write(f"# Pillow {PIL.__version__} Image.resize references (scripts/imaging-references.py)\n")
    for (w, h, c) in [(37, 29, 3), (37, 29, 1), (300, 200, 3)]:
        mode = "RGB" if c == 3 else "L"
        img = Image.frombytes(mode, (w, h), pattern(w, h, c))
        for (ow, oh) in [(16, 12), (80, 61), (37, 10), (5, 29), (1, 1), (50, 41)] if w < 100 else [(64, 48), (13, 7)]:
            for name, flt in FILTERS.items():
                res = img.resize((ow, oh), flt)
                f.write(f"{name} {w} {h} {c} {ow} {oh} {res.tobytes().hex()}\n")


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(w, h, depth, color_type, rows, palette=None, trns=None):
    raw = b"".join(b"\x00" + r for r in rows)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0))
    if palette: data += chunk(b"PLTE", palette)
    if trns: data += chunk(b"tRNS", trns)
    return data + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


w, h = 3, 2
g8 = [bytes([0, 100, 255]), bytes([17, 34, 51])]
g16 = [struct.pack(">3H", 0x0000, 0x6464, 0xFFFF), struct.pack(">3H", 0x1111, 0x2222, 0x3333)]
ga8 = [bytes([0, 10, 100, 20, 255, 0]), bytes([17, 255, 34, 128, 51, 7])]
rgb8 = [bytes([255, 0, 0, 0, 255, 0, 0, 0, 255]), bytes([1, 2, 3, 40, 50, 60, 200, 100, 0])]
rgb16 = [struct.pack(">9H", *[v * 257 for v in r]) for r in rgb8]
rgba8 = [bytes([255, 0, 0, 9, 0, 255, 0, 0, 0, 0, 255, 255]), bytes([1, 2, 3, 4, 40, 50, 60, 70, 200, 100, 0, 128])]
pal = bytes([10, 20, 30, 200, 150, 100, 0, 0, 0])
p8 = [bytes([0, 1, 2]), bytes([2, 1, 0])]
files = {
    "gray8.png": png(w, h, 8, 0, g8),
    "gray16.png": png(w, h, 16, 0, g16),
    "grayalpha8.png": png(w, h, 8, 4, ga8),
    "rgb8.png": png(w, h, 8, 2, rgb8),
    "rgb16.png": png(w, h, 16, 2, rgb16),
    "rgba8.png": png(w, h, 8, 6, rgba8),
    "palette8.png": png(w, h, 8, 3, p8, palette=pal, trns=bytes([255, 0, 128])),
}
src = Image.frombytes("RGB", (16, 12), pattern(16, 12, 3))
buf = io.BytesIO(); src.save(buf, "JPEG", quality=90); files["rgb.jpg"] = buf.getvalue()
buf = io.BytesIO(); src.save(buf, "JPEG", quality=90, subsampling=0); files["rgb444.jpg"] = buf.getvalue()
buf = io.BytesIO(); src.convert("L").save(buf, "JPEG", quality=90); files["gray.jpg"] = buf.getvalue()
buf = io.BytesIO(); src.save(buf, "JPEG", quality=80, progressive=True); files["progressive.jpg"] = buf.getvalue()

with open(f"{out}/image-files.txt", "w") as f:
    f.write(f"# Pillow {PIL.__version__} decodings (scripts/imaging-references.py)\n")
    for name, data in files.items():
        im = Image.open(io.BytesIO(data))
        gray = im.mode in ("L", "LA", "I;16", "I;16B", "I")
        if im.mode.startswith("I"):  # Pillow keeps 16-bit gray as integers: scale to 8 bits as libpng does (v / 257)
            im = Image.frombytes("L", im.size, bytes((v + 128) // 257 for v in im.get_flattened_data()))
        decoded = im.convert("L" if gray else "RGB")
        f.write(f"{name} {base64.b64encode(data).decode()} {1 if gray else 3} {decoded.width} {decoded.height} {decoded.tobytes().hex()}\n")
