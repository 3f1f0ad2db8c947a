namespace Gateway.Compression.Quality;

/// <summary>
/// Correlation of a frame with the outer product of a 1-D window with itself, at every position where the window lies
/// wholly inside the frame ("valid"): (rows - n + 1) x (columns - n + 1) results.
/// </summary>
internal sealed class SeparableFilter(double[] window, int rows, int columns)
{
    private readonly int _outRows = rows - window.Length + 1;
    private readonly int _outColumns = columns - window.Length + 1;

    public double[] Apply(double[] frame)
    {
        var n = window.Length;
        var horizontal = new double[rows * _outColumns];
        for (var r = 0; r < rows; r++)
        {
            var row = r * columns;
            for (var c = 0; c < _outColumns; c++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++)
                {
                    sum += window[k] * frame[row + c + k];
                }

                horizontal[(r * _outColumns) + c] = sum;
            }
        }

        var result = new double[_outRows * _outColumns];
        for (var r = 0; r < _outRows; r++)
        {
            for (var c = 0; c < _outColumns; c++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++)
                {
                    sum += window[k] * horizontal[((r + k) * _outColumns) + c];
                }

                result[(r * _outColumns) + c] = sum;
            }
        }

        return result;
    }
}
