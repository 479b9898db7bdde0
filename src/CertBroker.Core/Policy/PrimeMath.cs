using System.Numerics;
using System.Runtime.InteropServices;

namespace CertBroker.Core.Policy;

/// <summary>The number theory behind the RSA key rules, kept to what a request path can afford.</summary>
public static class PrimeMath
{
    /// <summary>WC-RSA-06's bound: BR §6.1.6 asks for no factors smaller than 752.</summary>
    public const int SmallFactorBound = 752;

    /// <summary>The primes below <see cref="SmallFactorBound"/>, ascending.</summary>
    public static IReadOnlyList<int> SmallPrimes { get; } = PrimesBelow(SmallFactorBound);

    /// <summary>The smallest prime factor of <paramref name="n"/> below <see cref="SmallFactorBound"/>, or null.</summary>
    /// <remarks>
    /// One pass over n's 32-bit words gives its remainders modulo a few dozen products of consecutive small primes,
    /// each below 2^32, in machine integers; a prime divides n exactly when it divides its product's remainder.
    /// </remarks>
    public static int? SmallFactor(BigInteger n)
    {
        Span<uint> remainders = stackalloc uint[PrimeGroups.Length];
        Remainders(BigInteger.Abs(n), PrimeGroupProducts, remainders);
        for (int group = 0; group < PrimeGroups.Length; group++)
        {
            foreach (int p in PrimeGroups[group])
            {
                if (remainders[group] % (uint)p == 0)
                {
                    return p;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Fermat's method for at most <paramref name="rounds"/> steps from ⌈√n⌉: succeeds when |p − q| is tiny
    /// compared with √n, which is what a generator that picks q as "the next prime after p" produces. A step only
    /// updates a² − n modulo a few small numbers in machine integers; a² − n itself is computed, and its square root
    /// taken, only for the rare candidates that are quadratic residues modulo all of them.
    /// </summary>
    /// <returns>A non-trivial factor, or null.</returns>
    public static BigInteger? FermatFactor(BigInteger n, int rounds)
    {
        if (rounds <= 0 || n.Sign <= 0 || n.IsEven)
        {
            return null;
        }

        BigInteger a0 = SquareRoot(n);
        if (a0 * a0 < n)
        {
            a0 += 1;
        }

        BigInteger start = (a0 * a0) - n;
        BigInteger step = (2 * a0) + 1;
        int filters = ResidueModuli.Length;
        Span<int> residue = stackalloc int[filters];
        Span<int> twiceAPlusOne = stackalloc int[filters];
        // Every modulus and residue is below 65, so each reads the same as int and as uint.
        ReadOnlySpan<uint> moduli = MemoryMarshal.Cast<int, uint>(ResidueModuli.AsSpan());
        Remainders(start, moduli, MemoryMarshal.Cast<int, uint>(residue));
        Remainders(step, moduli, MemoryMarshal.Cast<int, uint>(twiceAPlusOne));

        for (int round = 0; round < rounds; round++)
        {
            if (IsSquareModuloAll(residue))
            {
                BigInteger a = a0 + round;
                BigInteger b2 = (a * a) - n;
                BigInteger b = SquareRoot(b2);
                if (b * b == b2)
                {
                    BigInteger factor = a - b;
                    return factor > BigInteger.One && factor < n ? factor : null;
                }
            }

            // (a+1)² − n = (a² − n) + 2a + 1, and 2(a+1) + 1 = (2a + 1) + 2. Both sums stay below twice the modulus
            // (every modulus exceeds 2), so subtracting it and adding it back when that went negative reduces them,
            // without a division and without a branch the processor would mispredict half the time.
            for (int m = 0; m < filters; m++)
            {
                int modulus = ResidueModuli[m];
                int next = residue[m] + twiceAPlusOne[m] - modulus;
                residue[m] = next + ((next >> 31) & modulus);
                int nextStep = twiceAPlusOne[m] + 2 - modulus;
                twiceAPlusOne[m] = nextStep + ((nextStep >> 31) & modulus);
            }
        }

        return null;
    }

    /// <summary>
    /// ⌊√n⌋ for n ≥ 0, by precision doubling: the root of the top half of n's bits, shifted, is within 2^(bits/4)
    /// above √n, so one or two Newton steps at full size finish it. A 2048-bit root costs about three divisions
    /// instead of a dozen from a power of two.
    /// </summary>
    public static BigInteger SquareRoot(BigInteger n)
    {
        if (n.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "No square root of a negative number.");
        }

        long bits = n.GetBitLength();
        if (bits <= 100)
        {
            // A double's root is off by at most a few units here; step to the exact value.
            var root = new BigInteger(Math.Sqrt((double)n));
            while (root * root > n)
            {
                root -= 1;
            }

            while ((root + 1) * (root + 1) <= n)
            {
                root += 1;
            }

            return root;
        }

        int shift = (int)(bits / 4);

        // isqrt(⌊n / 4^s⌋) + 1, times 2^s, is above √n, so Newton's iteration decreases from it to ⌊√n⌋ and never
        // below. It has arrived once x² ≤ n: a squaring tells that for less than the division another step costs.
        BigInteger x = (SquareRoot(n >> (2 * shift)) + 1) << shift;
        while (x * x > n)
        {
            x = (x + (n / x)) >> 1;
        }

        return x;
    }

    /// <summary>
    /// <paramref name="n"/> (≥ 0) modulo each of <paramref name="moduli"/> (each below 2^32), in one pass over
    /// its 32-bit words from the most significant: r ← (r·2^32 + word) mod m stays within 64 bits.
    /// </summary>
    public static void Remainders(BigInteger n, ReadOnlySpan<uint> moduli, Span<uint> remainders)
    {
        if (n.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "Remainders of a negative number are not needed here.");
        }

        int length = n.GetByteCount(isUnsigned: true);
        int padded = (length + 3) & ~3;
        // Both start zeroed, so the leading padding bytes and the remainders begin at 0.
        Span<byte> bytes = padded <= 1024 ? stackalloc byte[padded] : new byte[padded];
        n.TryWriteBytes(bytes[(padded - length)..], out _, isUnsigned: true, isBigEndian: true);
        Span<ulong> r = stackalloc ulong[moduli.Length];
        for (int offset = 0; offset < padded; offset += 4)
        {
            ulong word = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
            for (int m = 0; m < moduli.Length; m++)
            {
                r[m] = ((r[m] << 32) | word) % moduli[m];
            }
        }

        for (int m = 0; m < moduli.Length; m++)
        {
            remainders[m] = (uint)r[m];
        }
    }

    // A non-square passes all of these filters about once in a million: the square root is almost never taken.
    private static readonly int[] ResidueModuli = [64, 63, 65, 11, 17, 19, 23, 29, 31, 37, 41, 43, 47];
    private static readonly bool[][] Squares = [.. ResidueModuli.Select(ResidueTable)];

    // SmallPrimes in runs whose products stay below 2^32, and those products.
    private static readonly int[][] PrimeGroups = GroupBelow2To32(SmallPrimes);
    private static readonly uint[] PrimeGroupProducts = [.. PrimeGroups.Select(g => (uint)g.Aggregate(1UL, (product, p) => product * (ulong)p))];

    private static int[][] GroupBelow2To32(IReadOnlyList<int> primes)
    {
        var groups = new List<int[]>();
        var current = new List<int>();
        ulong product = 1;
        foreach (int p in primes)
        {
            if (product * (ulong)p > uint.MaxValue)
            {
                groups.Add([.. current]);
                current.Clear();
                product = 1;
            }

            current.Add(p);
            product *= (ulong)p;
        }

        groups.Add([.. current]);
        return [.. groups];
    }

    private static bool IsSquareModuloAll(ReadOnlySpan<int> residues)
    {
        for (int m = 0; m < residues.Length; m++)
        {
            if (!Squares[m][residues[m]])
            {
                return false;
            }
        }

        return true;
    }

    private static bool[] ResidueTable(int modulus)
    {
        var table = new bool[modulus];
        for (int i = 0; i < modulus; i++)
        {
            table[(i * i) % modulus] = true;
        }

        return table;
    }

    private static int[] PrimesBelow(int bound)
    {
        var composite = new bool[bound];
        var primes = new List<int>();
        for (int i = 2; i < bound; i++)
        {
            if (composite[i])
            {
                continue;
            }

            primes.Add(i);
            for (int j = i * i; j < bound; j += i)
            {
                composite[j] = true;
            }
        }

        return [.. primes];
    }
}
