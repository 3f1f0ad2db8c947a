using System.Runtime.CompilerServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// A lossless-JPEG predictor (T.81 table H.1) from the neighbours Ra (left), Rb (above) and Rc
/// (above left). Implemented by structs so that generic row loops compile to one loop per predictor.
/// </summary>
internal interface ILosslessPredictor
{
    static abstract int Predict(int ra, int rb, int rc);
}

internal readonly struct Predictor1 : ILosslessPredictor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int ra, int rb, int rc) => ra;
}

internal readonly struct Predictor2 : ILosslessPredictor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int ra, int rb, int rc) => rb;
}

internal readonly struct Predictor3 : ILosslessPredictor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int ra, int rb, int rc) => rc;
}

internal readonly struct Predictor4 : ILosslessPredictor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int ra, int rb, int rc) => ra + rb - rc;
}

internal readonly struct Predictor5 : ILosslessPredictor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int ra, int rb, int rc) => ra + ((rb - rc) >> 1);
}

internal readonly struct Predictor6 : ILosslessPredictor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int ra, int rb, int rc) => rb + ((ra - rc) >> 1);
}

internal readonly struct Predictor7 : ILosslessPredictor
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int ra, int rb, int rc) => (ra + rb) >> 1;
}
