"""Quality measures and losses against known answers."""

import math

import torch

from medvae_trainer.losses import (NLayerDiscriminator, adaptive_weight, hinge_d_loss, kl_per_pixel, lowpass_l1,
                                   ms_ssim, psnr, ssim)


def test_psnr_of_a_known_mean_squared_error():
    x = torch.zeros(1, 1, 8, 8)
    y = torch.full_like(x, 0.1)
    assert math.isclose(float(psnr(y, x)), 20.0, rel_tol=1e-6)


def test_ssim_of_constant_images_is_the_luminance_term():
    a, b = 0.3, 0.6
    c1 = 0.01**2
    x = torch.full((1, 1, 32, 32), a, dtype=torch.float64)
    y = torch.full_like(x, b)
    expected = (2 * a * b + c1) / (a * a + b * b + c1)
    assert math.isclose(float(ssim(x, y)), expected, rel_tol=1e-9)
    # MS-SSIM: contrast-structure is 1 at every scale, so only the last scale's luminance remains
    big = torch.full((1, 1, 192, 192), a, dtype=torch.float64)
    assert math.isclose(float(ms_ssim(big, big + (b - a))), expected**0.1333, rel_tol=1e-9)


def test_ssim_of_identical_images_is_one_and_drops_with_noise():
    x = torch.rand(2, 1, 64, 64, dtype=torch.float64)
    assert torch.allclose(ssim(x, x), torch.ones(2, dtype=torch.float64))
    noise = torch.randn_like(x)
    strong, weak = ssim(x, (x + 0.1 * noise).clamp(0, 1)), ssim(x, (x + 0.02 * noise).clamp(0, 1))
    assert bool((strong < weak).all()) and bool((weak < 0.999).all())


def test_lowpass_term_sees_an_offset_that_pixel_noise_of_equal_l1_hides():
    x = torch.zeros(1, 1, 64, 64)
    offset = torch.full_like(x, 0.05)
    noise = 0.05 * torch.sign(torch.randn_like(x))
    assert math.isclose(float((offset - x).abs().mean()), float((noise - x).abs().mean()), rel_tol=1e-6)
    assert float(lowpass_l1(offset, x)) > 5 * float(lowpass_l1(noise, x))


def test_kl_of_the_prior_is_zero():
    mean = torch.zeros(2, 1, 4, 4)
    assert float(kl_per_pixel(mean, torch.zeros_like(mean), 256)) == 0.0
    # one latent element with mean 1: KL 0.5 per image, divided by the pixel count
    mean[:, 0, 0, 0] = 1.0
    assert math.isclose(float(kl_per_pixel(mean, torch.zeros_like(mean), 256)), 0.5 / 256)


def test_hinge_discriminator_loss_known_values():
    real = torch.tensor([2.0, 0.5])
    fake = torch.tensor([-3.0, 0.0])
    # relu(1 - real) = [0, 0.5] -> 0.25; relu(1 + fake) = [0, 1] -> 0.5
    assert math.isclose(float(hinge_d_loss(real, fake)), 0.5 * (0.25 + 0.5))


def test_patchgan_output_and_adaptive_weight():
    disc = NLayerDiscriminator(1, ndf=8)
    x = torch.rand(2, 1, 64, 64)
    assert disc(x).shape == (2, 1, 6, 6)
    w = torch.randn(1, 4, 3, 3, requires_grad=True)
    h = torch.rand(1, 4, 16, 16)
    out = torch.nn.functional.conv2d(h, w, padding=1)
    nll = out.abs().mean()
    g = -(3.0 * out).mean()
    weight = adaptive_weight(nll, g, w)
    g_nll = torch.autograd.grad(nll, w, retain_graph=True)[0].norm()
    g_g = torch.autograd.grad(g, w, retain_graph=True)[0].norm()
    assert math.isclose(float(weight), float(g_nll / (g_g + 1e-4)), rel_tol=1e-5)


def test_volume_losses_see_depth_and_score_ssim_per_slice():
    from medvae_trainer.losses import gradient_l1

    x = torch.zeros(1, 1, 8, 16, 16)
    steps = torch.zeros_like(x)
    steps[:, :, 4:] = 0.5  # a step along depth only
    # finite differences along depth: one jump of 0.5 over 7 differences, none in height or width
    assert math.isclose(float(gradient_l1(steps, x)), 0.5 / 7, rel_tol=1e-6)
    assert math.isclose(float(lowpass_l1(torch.full_like(x, 0.05), x)), 0.05, rel_tol=1e-5)  # float32 averaging
    vol = torch.rand(2, 1, 3, 32, 32, dtype=torch.float64)
    noisy = (vol + 0.05 * torch.randn_like(vol)).clamp(0, 1)
    per_slice = torch.stack([ssim(vol[:, :, d], noisy[:, :, d]) for d in range(3)], dim=1).mean(1)
    assert torch.allclose(ssim(vol, noisy), per_slice)
