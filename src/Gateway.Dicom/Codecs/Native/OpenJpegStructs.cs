using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

// Layouts of OpenJPEG 2.5's public structs on LP64 (x86_64, arm64). Offsets and sizes were taken with
// gcc's offsetof/sizeof against /usr/include/openjpeg-2.5/openjpeg.h (libopenjp2-7-dev 2.5.0). The two
// parameter structs are large (file name buffers, JPWL fields); only the members this codec sets are
// declared, at their offsets, and the struct keeps the C size so the library can fill in the rest.

/// <summary>opj_image_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpjImage
{
    public uint X0;
    public uint Y0;
    public uint X1;
    public uint Y1;
    public uint ComponentCount;
    public int ColorSpace;
    public OpjImageComponent* Components;
    public byte* IccProfile;
    public uint IccProfileLength;
}

/// <summary>opj_image_comp_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpjImageComponent
{
    public uint Dx;
    public uint Dy;
    public uint Width;
    public uint Height;
    public uint X0;
    public uint Y0;
    public uint Precision;
    public uint ObsoleteBitsPerPixel;
    public uint Signed;
    public uint ResolutionsDecoded;
    public uint Factor;
    public int* Data;
    public ushort Alpha;
}

/// <summary>opj_image_cmptparm_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpjImageComponentParameters
{
    public uint Dx;
    public uint Dy;
    public uint Width;
    public uint Height;
    public uint X0;
    public uint Y0;
    public uint Precision;
    public uint ObsoleteBitsPerPixel;
    public uint Signed;
}

/// <summary>opj_dparameters_t (8252 bytes); only its size matters: the defaults from opj_set_default_decoder_parameters are kept.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8252)]
internal struct OpjDecoderParameters
{
}

/// <summary>opj_cparameters_t (18720 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 18720)]
internal struct OpjEncoderParameters
{
    /// <summary>cp_disto_alloc: allocate layers by rate.</summary>
    [FieldOffset(20)]
    public int RateAllocation;

    [FieldOffset(4796)]
    public int LayerCount;

    /// <summary>tcp_rates[0]: compression ratio of the first layer relative to Precision-bit samples; 0 means lossless.</summary>
    [FieldOffset(4800)]
    public float FirstLayerRate;

    [FieldOffset(5600)]
    public int ResolutionCount;

    /// <summary>1 selects the irreversible 9/7 wavelet, 0 the reversible 5/3.</summary>
    [FieldOffset(5616)]
    public int Irreversible;

    /// <summary>tcp_mct: 1 applies the component transform (RCT with 5/3, ICT with 9/7) to three components.</summary>
    [FieldOffset(18698)]
    public byte MultipleComponentTransform;
}
