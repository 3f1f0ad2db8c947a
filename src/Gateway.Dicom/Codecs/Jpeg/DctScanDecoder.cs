namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Entropy-decodes one scan of a DCT frame into the components' coefficient blocks: sequential Huffman
/// (T.81 F.2.2) and the four progressive kinds (G.1.2: DC first and refinement, AC first and refinement
/// with end-of-band runs), following libjpeg 6b's procedures step by step.
/// </summary>
internal sealed class DctScanDecoder
{
    private readonly DctScan scan;
    private readonly bool progressive;
    private int endOfBandRun;

    private DctScanDecoder(DctScan scan, bool progressive)
    {
        this.scan = scan;
        this.progressive = progressive;
    }

    /// <summary>Decodes the scan whose entropy-coded data starts at <paramref name="start"/>; returns the offset to look for the next marker from.</summary>
    public static int Decode(ReadOnlySpan<byte> data, int start, DctScan scan, bool progressive, int restartInterval, int mcusPerLine, int mcuRows)
    {
        var decoder = new DctScanDecoder(scan, progressive);
        var reader = new JpegBitReader(data, start);
        var single = scan.Components.Length == 1 ? scan.Components[0] : null;
        var columns = single?.BlocksPerLine ?? mcusPerLine;
        var total = single is null ? mcusPerLine * mcuRows : single.BlocksPerLine * single.BlocksPerColumn;
        decoder.ResetPredictors();
        for (var mcu = 0; mcu < total; mcu++)
        {
            if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0)
            {
                reader.Restart();
                decoder.ResetPredictors();
            }

            var row = mcu / columns;
            var column = mcu % columns;
            if (single is not null)
            {
                decoder.DecodeBlock(ref reader, single.Block(row, column), 0);
                continue;
            }

            for (var k = 0; k < scan.Components.Length; k++)
            {
                var component = scan.Components[k];
                for (var v = 0; v < component.VerticalSampling; v++)
                {
                    for (var h = 0; h < component.HorizontalSampling; h++)
                    {
                        decoder.DecodeBlock(ref reader, component.Block((row * component.VerticalSampling) + v, (column * component.HorizontalSampling) + h), k);
                    }
                }
            }
        }

        reader.ThrowIfOverrun();
        return reader.Position;
    }

    private void ResetPredictors()
    {
        foreach (var component in scan.Components)
        {
            component.DcPredictor = 0;
        }

        endOfBandRun = 0;
    }

    private void DecodeBlock(ref JpegBitReader reader, Span<short> block, int k)
    {
        if (!progressive)
        {
            DecodeSequential(ref reader, block, k);
        }
        else if (scan.SpectralStart == 0)
        {
            if (scan.SuccessiveHigh == 0)
            {
                DecodeDcFirst(ref reader, block, k);
            }
            else if (reader.ReadBits(1) != 0)
            {
                block[0] |= (short)(1 << scan.SuccessiveLow);
            }
        }
        else if (scan.SuccessiveHigh == 0)
        {
            DecodeAcFirst(ref reader, block, scan.AcTables[k]!);
        }
        else
        {
            DecodeAcRefine(ref reader, block, scan.AcTables[k]!);
        }
    }

    private int DecodeDc(ref JpegBitReader reader, int k)
    {
        var category = scan.DcTables[k]!.Decode(ref reader);
        if (category > 16)
        {
            throw new DicomCodecException($"Corrupt JPEG data: DC category {category}.");
        }

        var difference = category == 0 ? 0 : JpegHuffmanTable.Extend(reader.ReadBits(category), category);
        var component = scan.Components[k];
        component.DcPredictor += difference;
        return component.DcPredictor;
    }

    private void DecodeSequential(ref JpegBitReader reader, Span<short> block, int k)
    {
        block[0] = (short)DecodeDc(ref reader, k);
        var ac = scan.AcTables[k]!;
        var order = JpegZigZag.NaturalOrder;
        for (var i = 1; i < 64; i++)
        {
            var symbol = ac.Decode(ref reader);
            var run = symbol >> 4;
            var size = symbol & 0x0F;
            if (size != 0)
            {
                i += run;
                block[order[i]] = (short)JpegHuffmanTable.Extend(reader.ReadBits(size), size);
            }
            else if (run == 15)
            {
                i += 15;
            }
            else
            {
                break;
            }
        }
    }

    private void DecodeDcFirst(ref JpegBitReader reader, Span<short> block, int k) =>
        block[0] = (short)(DecodeDc(ref reader, k) << scan.SuccessiveLow);

    private void DecodeAcFirst(ref JpegBitReader reader, Span<short> block, HuffmanDecodingTable ac)
    {
        if (endOfBandRun > 0)
        {
            endOfBandRun--;
            return;
        }

        var order = JpegZigZag.NaturalOrder;
        for (var i = scan.SpectralStart; i <= scan.SpectralEnd; i++)
        {
            var symbol = ac.Decode(ref reader);
            var run = symbol >> 4;
            var size = symbol & 0x0F;
            if (size != 0)
            {
                i += run;
                block[order[i]] = (short)(JpegHuffmanTable.Extend(reader.ReadBits(size), size) << scan.SuccessiveLow);
            }
            else if (run == 15)
            {
                i += 15;
            }
            else
            {
                endOfBandRun = (1 << run) + reader.ReadBits(run) - 1;
                break;
            }
        }
    }

    private void DecodeAcRefine(ref JpegBitReader reader, Span<short> block, HuffmanDecodingTable ac)
    {
        var plusOne = 1 << scan.SuccessiveLow;
        var minusOne = -1 << scan.SuccessiveLow;
        var order = JpegZigZag.NaturalOrder;
        var i = scan.SpectralStart;
        if (endOfBandRun == 0)
        {
            for (; i <= scan.SpectralEnd; i++)
            {
                var symbol = ac.Decode(ref reader);
                var run = symbol >> 4;
                var size = symbol & 0x0F;
                var value = 0;
                if (size != 0)
                {
                    // Size is 1 in a valid stream; libjpeg only warns otherwise.
                    value = reader.ReadBits(1) != 0 ? plusOne : minusOne;
                }
                else if (run != 15)
                {
                    endOfBandRun = (1 << run) + reader.ReadBits(run);
                    break;
                }

                // Skip already non-zero coefficients (refining each) and `run` zero ones.
                do
                {
                    ref var coefficient = ref block[order[i]];
                    if (coefficient != 0)
                    {
                        Refine(ref reader, ref coefficient, plusOne, minusOne);
                    }
                    else if (--run < 0)
                    {
                        break;
                    }

                    i++;
                }
                while (i <= scan.SpectralEnd);

                if (value != 0)
                {
                    block[order[i]] = (short)value;
                }
            }
        }

        if (endOfBandRun > 0)
        {
            for (; i <= scan.SpectralEnd; i++)
            {
                ref var coefficient = ref block[order[i]];
                if (coefficient != 0)
                {
                    Refine(ref reader, ref coefficient, plusOne, minusOne);
                }
            }

            endOfBandRun--;
        }
    }

    private static void Refine(ref JpegBitReader reader, ref short coefficient, int plusOne, int minusOne)
    {
        if (reader.ReadBits(1) != 0 && (coefficient & plusOne) == 0)
        {
            coefficient += (short)(coefficient >= 0 ? plusOne : minusOne);
        }
    }
}
