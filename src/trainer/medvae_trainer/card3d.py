"""The parts of a model card that differ for 3D models: decoder cost per tile and volume, evaluation per volume."""

from __future__ import annotations

NORMALIZATION_VOLUME = {
    "input": "per volume (per series): stored values v mapped to 2*(v - min)/(max - min) - 1 using the volume's own "
             "minimum and maximum; store min and max beside the latent; a constant volume maps to all -1",
    "output": "v = (y + 1)/2 * (max - min) + min, clipped to [min, max] and rounded to the stored integer type",
    "layout": "image (N, 1, D, H, W): D slices in order along the slice normal; latent (N, 1, D/s, H/s, W/s)",
    "padding": "pad depth, height and width up to a multiple of the scale by edge replication before encoding; crop "
               "after decoding",
    "tiling": "no normalisation and no attention: each output voxel depends on a bounded neighbourhood, so tiles "
              "decoded with tiling.decoder_overlap_latent latent voxels of overlap on every side match the "
              "whole-volume result",
}


def cost_lines(cost: dict) -> list[str]:
    return [f"- per {cost['image']}: {cost['decoder_gmacs']} GMAC = {cost['decoder_gflops']} GFLOPs (1 "
            f"multiply-accumulate = 2 FLOPs; convolutions only); with the {cost['decoder_overlap_latent']}-latent-voxel "
            f"overlap of an exact tile on every side {cost['decoder_gmacs_tile_with_overlap']} GMAC",
            f"- whole {cost['volume']} volume at once: {cost['decoder_gmacs_volume']} GMAC; PyTorch {cost['torch']} CPU, "
            f"{cost['threads']} threads: {cost['decoder_ms_pytorch_cpu']} ms (best of {cost['repeats']}; "
            f"{cost['decoder_cpu_seconds_per_image']} CPU-seconds; 1-minute load average {cost['load_average_1min']} "
            f"on this 2-core machine shared with other jobs)", ""]


def evaluation_lines(ev: dict) -> list[str]:
    from .evaluate3d import format_table3d

    lines = ["", "## Evaluation (3D held-out slabs and series, never read by 3D training)", "",
             f"PSNR over the held-out slices, mean of {ev['volumes']} volumes: {ev['psnr']:.2f} dB vs tricubic "
             f"{ev['tricubic_psnr']:.2f} dB (gain {ev['gain_over_tricubic_db']:+.2f} dB) and trilinear "
             f"{ev['trilinear_psnr']:.2f} dB; per-slice mean {ev['slice_mean_psnr']:.2f} vs "
             f"{ev['slice_mean_tricubic_psnr']:.2f} dB; {100 * ev['share_slices_above_tricubic']:.0f}% of the "
             f"{ev['held_out_slices']} held-out slices above tricubic; latent {ev['latent_dtype']}.", ""]
    if "by_volume" in ev:
        lines.append(format_table3d(ev))
    return lines
