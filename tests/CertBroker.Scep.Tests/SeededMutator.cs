namespace CertBroker.Scep.Tests;

/// <summary>
/// Deterministic, AFL-like mutations of seed inputs for the in-process fuzz smoke run: the same seed number gives the
/// same inputs on every machine, so a failure reproduces from the test name alone.
/// </summary>
internal sealed class SeededMutator(int seed, IReadOnlyList<byte[]> seeds)
{
    // Lengths and tags that move a DER parser onto its edge cases: indefinite, long-form, huge, zero.
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x05, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xa0, 0xff];

    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        byte[] input = seeds[_random.Next(seeds.Count)];
        int rounds = 1 + _random.Next(4);
        for (int i = 0; i < rounds; i++)
        {
            input = Mutate(input);
        }

        return input;
    }

    private byte[] Mutate(byte[] input)
    {
        if (input.Length == 0)
        {
            return [Interesting[_random.Next(Interesting.Length)]];
        }

        int at = _random.Next(input.Length);
        byte[] output = (byte[])input.Clone();
        switch (_random.Next(7))
        {
            case 0:
                output[at] ^= (byte)(1 << _random.Next(8));
                return output;
            case 1:
                output[at] = Interesting[_random.Next(Interesting.Length)];
                return output;
            case 2:
                output[at] = (byte)_random.Next(256);
                return output;
            case 3:
                return [.. input.AsSpan(0, at), .. input.AsSpan(Math.Min(input.Length, at + 1 + _random.Next(32)))];
            case 4:
                // Repeat a chunk in place: nested or duplicated structures.
                int length = Math.Min(input.Length - at, 1 + _random.Next(64));
                return [.. input.AsSpan(0, at + length), .. input.AsSpan(at)];
            case 5:
                return input[..at];
            default:
                // Splice with another seed, as afl's splicing stage does.
                byte[] other = seeds[_random.Next(seeds.Count)];
                int from = _random.Next(other.Length);
                return [.. input.AsSpan(0, at), .. other.AsSpan(from)];
        }
    }
}
