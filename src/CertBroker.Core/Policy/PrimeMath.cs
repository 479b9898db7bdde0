using System.Numerics;

namespace CertBroker.Core.Policy;

/// <summary>The number theory behind the RSA key rules, kept to what a request path can afford.</summary>
public static class PrimeMath
{
    /// <summary>WC-RSA-06's bound: BR §6.1.6 asks for no factors smaller than 752.</summary>
    public const int SmallFactorBound = 752;

    /// <summary>The primes below <see cref="SmallFactorBound"/>, ascending.</summary>
    public static IReadOnlyList<int> SmallPrimes { get; } = PrimesBelow(SmallFactorBound);

    /// <summary>Product of <see cref="SmallPrimes"/>: one gcd with it finds any small factor at once.</summary>
    public static BigInteger SmallPrimeProduct { get; } = SmallPrimes.Aggregate(BigInteger.One, (product, p) => product * p);

    /// <summary>The smallest prime factor of <paramref name="n"/> below <see cref="SmallFactorBound"/>, or null.</summary>
    public static int? SmallFactor(BigInteger n)
    {
        BigInteger common = BigInteger.GreatestCommonDivisor(n, SmallPrimeProduct);
        if (common.IsOne)
        {
            return null;
        }

        foreach (int p in SmallPrimes)
        {
            if ((common % p).IsZero)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>
    /// Fermat's method for at most <paramref name="rounds"/> steps from ⌈√n⌉: succeeds when |p − q| is tiny
    /// compared with √n, which is what a generator that picks q as "the next prime after p" produces. Most steps
    /// cost an addition and a few reductions modulo small numbers; a square root is taken only for candidates
    /// that pass the quadratic-residue filters.
    /// </summary>
    /// <returns>A non-trivial factor, or null.</returns>
    public static BigInteger? FermatFactor(BigInteger n, int rounds)
    {
        if (n.Sign <= 0 || n.IsEven)
        {
            return null;
        }

        BigInteger a = SquareRoot(n);
        if (a * a < n)
        {
            a += 1;
        }

        BigInteger b2 = (a * a) - n;
        for (int round = 0; round < rounds; round++)
        {
            if (IsSquare(b2, out BigInteger b))
            {
                BigInteger factor = a - b;
                return factor > BigInteger.One && factor < n ? factor : null;
            }

            b2 += (a << 1) + 1;
            a += 1;
        }

        return null;
    }

    /// <summary>⌊√n⌋ by Newton's iteration, for n ≥ 0.</summary>
    public static BigInteger SquareRoot(BigInteger n)
    {
        if (n.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "No square root of a negative number.");
        }

        if (n < 2)
        {
            return n;
        }

        BigInteger x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            BigInteger next = (x + (n / x)) >> 1;
            if (next >= x)
            {
                return x;
            }

            x = next;
        }
    }

    private static readonly bool[] Squares64 = ResidueTable(64);
    private static readonly bool[] Squares63 = ResidueTable(63);
    private static readonly bool[] Squares65 = ResidueTable(65);
    private static readonly bool[] Squares11 = ResidueTable(11);

    private static bool IsSquare(BigInteger value, out BigInteger root)
    {
        root = BigInteger.Zero;
        if (value.Sign < 0)
        {
            return false;
        }

        // 64·63·65·11: only about 1 in 170 non-squares get through to the square root.
        if (!Squares64[(int)(value & 63)] || !Squares63[(int)(value % 63)] || !Squares65[(int)(value % 65)] || !Squares11[(int)(value % 11)])
        {
            return false;
        }

        root = SquareRoot(value);
        return root * root == value;
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
