namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>The second byte of the JPEG markers (ITU T.81 table B.1) this library reads or writes.</summary>
internal static class JpegMarker
{
    public const byte Prefix = 0xFF;
    public const byte Sof0 = 0xC0;
    public const byte Sof1 = 0xC1;
    public const byte Sof2 = 0xC2;
    public const byte Sof3 = 0xC3;
    public const byte Dht = 0xC4;
    public const byte Sof15 = 0xCF;
    public const byte Dac = 0xCC;
    public const byte Rst0 = 0xD0;
    public const byte Rst7 = 0xD7;
    public const byte Soi = 0xD8;
    public const byte Eoi = 0xD9;
    public const byte Sos = 0xDA;
    public const byte Dqt = 0xDB;
    public const byte Dri = 0xDD;
    public const byte App0 = 0xE0;
    public const byte Com = 0xFE;

    public static bool IsRestart(byte marker) => marker is >= Rst0 and <= Rst7;

    /// <summary>Start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC).</summary>
    public static bool IsStartOfFrame(byte marker) => marker is >= Sof0 and <= Sof15 and not Dht and not 0xC8 and not Dac;

    /// <summary>Markers that stand alone, without a length field.</summary>
    public static bool IsStandalone(byte marker) => marker is Soi or Eoi or 0x01 || IsRestart(marker);
}
