/**
 * Python written into every exported model.py: a safetensors reader and writer
 * in plain torch (Debian and many clusters have no `safetensors` package; the
 * format is an 8-byte little-endian header length, a JSON header, raw bytes).
 */

export const SAFETENSORS_PY = `_DTYPES = {
    "F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}


def load_safetensors(path):
    """Reads a .safetensors file into an OrderedDict of tensors (same as safetensors.torch.load_file)."""
    if sys.byteorder != "little":
        raise RuntimeError("safetensors data is little-endian; this reader needs a little-endian machine")
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = bytearray(raw[8 + n:])
    out = OrderedDict()
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES[entry["dtype"]]
        start, end = entry["data_offsets"]
        count = (end - start) // torch.empty((), dtype=dtype).element_size()
        flat = torch.frombuffer(data, dtype=dtype, count=count, offset=start) if count else torch.empty(0, dtype=dtype)
        out[name] = flat.reshape(entry["shape"]).clone()
    return out


def save_safetensors(tensors, path, metadata=None):
    """Writes a dict of tensors as .safetensors (loads back with load_safetensors, or in Dropout Lab: dlab import)."""
    names = {v: k for k, v in _DTYPES.items()}
    header, blobs, offset = OrderedDict(), [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        blob = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
`;

/**
 * The lab's random streams in numpy (Threefry-2x32-20, engine/tensor/random.ts),
 * so train.py shuffles and augments exactly as the lab does. Dropout masks use
 * torch's own generator: those cannot match the lab.
 */
export const LAB_RANDOM_PY = `_PARITY = 0x1BD11BDA
_ROT = (13, 15, 26, 6, 17, 29, 16, 24)
_M32 = 0xFFFFFFFF


def threefry2x32(k0, k1, c0, c1):
    """Threefry-2x32 with 20 rounds over arrays of counters; returns the two output words."""
    with np.errstate(over="ignore"):
        ks = (np.uint32(k0), np.uint32(k1), np.uint32((_PARITY ^ k0 ^ k1) & _M32))
        x0 = np.asarray(c0, dtype=np.uint32) + ks[0]
        x1 = np.asarray(c1, dtype=np.uint32) + ks[1]
        for i in range(5):
            for r in range(4):
                rot = _ROT[(i % 2) * 4 + r]
                x0 = x0 + x1
                x1 = ((x1 << np.uint32(rot)) | (x1 >> np.uint32(32 - rot))) ^ x0
            x0 = x0 + ks[(i + 1) % 3]
            x1 = x1 + ks[(i + 2) % 3] + np.uint32(i + 1)
    return x0, x1


class LabStream:
    """Generator.stream(seed, purpose, index) of the lab: the same words, uniforms, normals and permutations."""

    def __init__(self, seed, purpose, index):
        w0, w1 = threefry2x32(seed & _M32, seed >> 32, np.array([purpose]), np.array([index]))
        self.k0, self.k1, self.offset = int(w0[0]), int(w1[0]), 0

    def words(self, n):
        blocks = (n + 1) // 2
        counters = np.arange(self.offset, self.offset + blocks, dtype=np.uint64)
        x0, x1 = threefry2x32(self.k0, self.k1, (counters & _M32).astype(np.uint32), (counters >> np.uint64(32)).astype(np.uint32))
        self.offset += blocks
        return np.stack([x0, x1], axis=1).reshape(-1)[:n]

    def uniform(self, n):
        return ((self.words(n) >> np.uint32(8)).astype(np.float64) / 16777216.0).astype(np.float32)

    def normal(self, n, mean=0.0, std=1.0):
        w = (self.words(n + (n & 1)) >> np.uint32(8)).astype(np.float64)
        u1, u2 = (w[0::2] + 0.5) / 16777216.0, (w[1::2] + 0.5) / 16777216.0
        r = np.sqrt(-2.0 * np.log(u1))
        out = np.empty(len(w))
        out[0::2] = mean + std * r * np.cos(2 * np.pi * u2)
        out[1::2] = mean + std * r * np.sin(2 * np.pi * u2)
        return out[:n].astype(np.float32)

    def permutation(self, n):
        u = (self.words(n) >> np.uint32(8)).astype(np.float64) / 16777216.0
        out = list(range(n))
        for i in range(n - 1, 0, -1):
            j = int(u[i] * (i + 1))
            out[i], out[j] = out[j], out[i]
        return np.array(out, dtype=np.int64)
`;
