#!/usr/bin/env python3
"""Times SelfDeblur optimisation steps in PyTorch, for scripts/compare-pytorch.

The networks follow the method's specification (the image generator Gx: a
five-level encoder-decoder with skip branches and non-local blocks at the
three coarsest levels; the kernel generator Gk: 200 -> 1000 -> K*K with a
softmax), at the size deblur's benchmarks use: a 255 x 255 image and a 27 px
kernel, so Gx works at 281 x 281. One step is what deblur's
BenchmarkPaperIteration times: the forward pass of both networks on the
perturbed input, the valid correlation with the kernel, the 1 - SSIM loss,
the backward pass and an Adam step (learning rates 0.01 and 1e-4).

Prints one line: "pytorch WIDTH SECONDS_PER_STEP" (the median of --steps
timed steps after two warm-up steps).
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, k, stride=1):
    pad = (k - 1) // 2
    layers = [nn.ReflectionPad2d(pad)] if pad else []
    return nn.Sequential(*layers, nn.Conv2d(cin, cout, k, stride=stride, bias=True))


def bn_act(c):
    return nn.Sequential(nn.BatchNorm2d(c), nn.LeakyReLU(0.2))


class NonLocal(nn.Module):
    """Embedded dot-product attention, pooled keys and values, residual."""

    def __init__(self, c):
        super().__init__()
        inner = c // 2
        self.theta = nn.Conv2d(c, inner, 1)
        self.phi = nn.Sequential(nn.Conv2d(c, inner, 1), nn.MaxPool2d(2))
        self.g = nn.Sequential(nn.Conv2d(c, inner, 1), nn.MaxPool2d(2))
        self.out = nn.Sequential(nn.Conv2d(inner, c, 1), nn.BatchNorm2d(c))
        nn.init.zeros_(self.out[1].weight)
        nn.init.zeros_(self.out[1].bias)

    def forward(self, u):
        b, _, h, w = u.shape
        t = self.theta(u).flatten(2).transpose(1, 2)  # b, hw, inner
        p = self.phi(u).flatten(2)  # b, inner, n
        g = self.g(u).flatten(2).transpose(1, 2)  # b, n, inner
        f = torch.bmm(t, p) / p.shape[-1]
        y = torch.bmm(f, g).transpose(1, 2).reshape(b, -1, h, w)
        return u + self.out(y)


class Level(nn.Module):
    def __init__(self, cin, width, skip, nonlocal_block, deeper):
        super().__init__()
        self.skip = nn.Sequential(conv(cin, skip, 1), bn_act(skip))
        down = [conv(cin, width, 3, stride=2), bn_act(width)]
        if nonlocal_block:
            down.append(NonLocal(width))
        down += [conv(width, width, 3), bn_act(width)]
        self.down = nn.Sequential(*down)
        self.deeper = deeper
        self.join = nn.Sequential(nn.BatchNorm2d(skip + width), conv(skip + width, width, 3), bn_act(width),
                                  conv(width, width, 1), bn_act(width))

    def forward(self, u):
        s = self.skip(u)
        d = self.down(u)
        if self.deeper is not None:
            d = self.deeper(d)
        d = F.interpolate(d, scale_factor=2, mode="bilinear", align_corners=False)
        h, w = min(s.shape[2], d.shape[2]), min(s.shape[3], d.shape[3])
        s = crop(s, h, w)
        d = crop(d, h, w)
        return self.join(torch.cat([s, d], 1))


def crop(t, h, w):
    y, x = (t.shape[2] - h) // 2, (t.shape[3] - w) // 2
    return t[:, :, y:y + h, x:x + w]


class Gx(nn.Module):
    def __init__(self, width, skip, levels=5):
        super().__init__()
        deeper = None
        for i in reversed(range(levels)):
            cin = 8 if i == 0 else width
            deeper = Level(cin, width, skip, i >= 2, deeper)
        self.net = deeper
        self.out = nn.Conv2d(width, 1, 1)

    def forward(self, z):
        return torch.sigmoid(self.out(self.net(z)))


class Gk(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.net = nn.Sequential(nn.Linear(200, 1000), nn.ReLU6(), nn.Linear(1000, k * k))

    def forward(self, z):
        return F.softmax(self.net(z), dim=-1).view(1, 1, self.k, self.k)


def gaussian_window(size=11, sigma=1.5):
    x = torch.arange(size, dtype=torch.float32) - size // 2
    g = torch.exp(-x * x / (2 * sigma * sigma))
    g = g / g.sum()
    return (g[:, None] * g[None, :]).view(1, 1, size, size)


def one_minus_ssim(a, b, win):
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mu_a = F.conv2d(a, win, padding=5)
    mu_b = F.conv2d(b, win, padding=5)
    saa = F.conv2d(a * a, win, padding=5) - mu_a * mu_a
    sbb = F.conv2d(b * b, win, padding=5) - mu_b * mu_b
    sab = F.conv2d(a * b, win, padding=5) - mu_a * mu_b
    m = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a * mu_a + mu_b * mu_b + c1) * (saa + sbb + c2))
    return 1 - m.mean()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=128, help="channels of Gx (the paper: 128)")
    ap.add_argument("--skip", type=int, default=16, help="skip channels of Gx (the paper: 16)")
    ap.add_argument("--steps", type=int, default=8, help="timed steps")
    ap.add_argument("--threads", type=int, default=2, help="PyTorch intra-op threads")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    k, h, w = 27, 255, 255
    gx, gk = Gx(args.width, args.skip), Gk(k)
    zx = torch.rand(1, 8, h + k - 1, w + k - 1) * 0.1
    zk = torch.rand(200) * 0.1
    y = torch.rand(1, 1, h, w)
    win = gaussian_window()
    opt = torch.optim.Adam([{"params": gx.parameters(), "lr": 0.01}, {"params": gk.parameters(), "lr": 1e-4}])
    times = []
    for step in range(args.steps + 2):
        start = time.perf_counter()
        opt.zero_grad()
        x = gx(zx + 0.001 * torch.randn_like(zx))
        kern = gk(zk)
        loss = one_minus_ssim(F.conv2d(x, kern), y, win)
        loss.backward()
        opt.step()
        if step >= 2:
            times.append(time.perf_counter() - start)
    print(f"pytorch {args.width} {statistics.median(times):.4f}")


if __name__ == "__main__":
    main()
