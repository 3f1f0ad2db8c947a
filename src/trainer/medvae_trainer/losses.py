"""Losses and image-quality measures that need no pretrained network.

SSIM and MS-SSIM follow Wang et al. (Gaussian window 11, sigma 1.5, K1=0.01, K2=0.03; MS-SSIM with
5 scales and the published weights). Images are expected in [0, 1] (data range 1).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _gaussian(size: int, sigma: float, like: torch.Tensor) -> torch.Tensor:
    x = torch.arange(size, dtype=like.dtype, device=like.device) - (size - 1) / 2
    g = torch.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def _blur(x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """Separable blur of every plane of (N, C, H, W), as one depthwise convolution over N*C planes (a batch of
    single-channel convolutions is 20-30x slower on the CPU, which made SSIM dominate a 3D training step)."""
    n, c, h, w = x.shape
    planes = x.reshape(1, n * c, h, w)
    planes = F.conv2d(planes, g.view(1, 1, 1, -1).expand(n * c, 1, 1, -1), groups=n * c)
    planes = F.conv2d(planes, g.view(1, 1, -1, 1).expand(n * c, 1, -1, 1), groups=n * c)
    return planes.reshape(n, c, *planes.shape[-2:])


def _ssim_terms(x: torch.Tensor, y: torch.Tensor, win: int, sigma: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-image mean SSIM and mean contrast-structure term (valid windows only)."""
    g = _gaussian(win, sigma, x)
    c1, c2 = 0.01**2, 0.03**2
    mx, my = _blur(x, g), _blur(y, g)
    sxx = _blur(x * x, g) - mx * mx
    syy = _blur(y * y, g) - my * my
    sxy = _blur(x * y, g) - mx * my
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    ssim = (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs
    return ssim.flatten(1).mean(1), cs.flatten(1).mean(1)


def ssim(x: torch.Tensor, y: torch.Tensor, win: int = 11, sigma: float = 1.5) -> torch.Tensor:
    """SSIM per image, shape (N,); for volumes (N, C, D, H, W) the mean over their slices."""
    if x.dim() == 5:
        n, c, d, h, w = x.shape
        planes = lambda t: t.permute(0, 2, 1, 3, 4).reshape(n * d, c, h, w)  # noqa: E731
        return _ssim_terms(planes(x), planes(y), win, sigma)[0].reshape(n, d).mean(1)
    return _ssim_terms(x, y, win, sigma)[0]


def ms_ssim(x: torch.Tensor, y: torch.Tensor, win: int = 11, sigma: float = 1.5,
            weights: tuple[float, ...] = MS_SSIM_WEIGHTS) -> torch.Tensor:
    """MS-SSIM per image, shape (N,). The smallest side must be > (win - 1) * 2 ** (scales - 1)."""
    levels = len(weights)
    if min(x.shape[-2:]) <= (win - 1) * 2 ** (levels - 1):
        raise ValueError(f"image {tuple(x.shape[-2:])} too small for {levels}-scale MS-SSIM with window {win}")
    w = torch.tensor(weights, dtype=x.dtype, device=x.device)
    values = []
    for i in range(levels):
        s, cs = _ssim_terms(x, y, win, sigma)
        values.append(torch.relu(s if i == levels - 1 else cs))
        if i < levels - 1:
            x, y = F.avg_pool2d(x, 2, ceil_mode=True), F.avg_pool2d(y, 2, ceil_mode=True)
    stacked = torch.stack(values, dim=1)
    return torch.prod(stacked ** w, dim=1)


def psnr(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """PSNR per image (data range 1), shape (N,)."""
    mse = ((x - y) ** 2).flatten(1).mean(1)
    return 10 * torch.log10(1.0 / mse.clamp_min(1e-20))


def gradient_l1(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """L1 distance of the finite differences along every spatial axis (vertical and horizontal; depth too for
    volumes)."""
    return sum((torch.diff(x, dim=a) - torch.diff(y, dim=a)).abs().mean() for a in range(2, x.dim()))


def lowpass_l1(x: torch.Tensor, y: torch.Tensor, size: int = 8) -> torch.Tensor:
    """L1 of the locally averaged error: punishes brightness offsets in flat or saturated regions,
    which per-pixel losses weigh no more than noise."""
    pool = F.avg_pool2d if x.dim() == 4 else F.avg_pool3d
    return pool(x - y, size, stride=size // 2).abs().mean()


def kl_per_pixel(mean: torch.Tensor, logvar: torch.Tensor, pixels: int) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) summed over the latent and divided by the image's pixel count, so that
    the weight means what it means in latent-diffusion (losses summed per image) when the
    reconstruction losses are per-pixel means."""
    kl = 0.5 * (mean**2 + torch.exp(logvar) - 1.0 - logvar)
    return kl.flatten(1).sum(1).mean() / pixels


class NLayerDiscriminator(nn.Module):
    """PatchGAN discriminator (pix2pix layout): 4x4 convolutions, BatchNorm, LeakyReLU 0.2."""

    def __init__(self, input_nc: int = 1, ndf: int = 64, n_layers: int = 3) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(input_nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2**n, 8)
            layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * mult),
                       nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2**n_layers, 8)
        layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, 1, 1, bias=False), nn.BatchNorm2d(ndf * mult),
                   nn.LeakyReLU(0.2, True), nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.main = nn.Sequential(*layers)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, 0.0, 0.02)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.normal_(m.weight, 1.0, 0.02)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x)


def hinge_d_loss(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean())


def adaptive_weight(nll: torch.Tensor, g_loss: torch.Tensor, last_layer: torch.Tensor) -> torch.Tensor:
    """||d nll / d W|| / ||d g / d W|| on the decoder's last layer, clamped to [0, 1e4]."""
    g_nll = torch.autograd.grad(nll, last_layer, retain_graph=True)[0]
    g_adv = torch.autograd.grad(g_loss, last_layer, retain_graph=True)[0]
    return (torch.norm(g_nll) / (torch.norm(g_adv) + 1e-4)).clamp(0.0, 1e4).detach()
