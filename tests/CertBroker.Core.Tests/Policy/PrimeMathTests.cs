using System.Numerics;
using CertBroker.Core.Policy;

namespace CertBroker.Core.Tests.Policy;

public sealed class PrimeMathTests
{
    [Theory]
    [InlineData(40)]
    [InlineData(53)]
    [InlineData(100)]
    [InlineData(1024)]
    [InlineData(2049)]
    public void SquareRoot_AroundPerfectSquares_IsExactFloor(int bits)
    {
        for (int i = 0; i < 20; i++)
        {
            BigInteger x = PolicyKeys.Prime(bits);

            Assert.Equal(x, PrimeMath.SquareRoot(x * x));
            Assert.Equal(x - 1, PrimeMath.SquareRoot((x * x) - 1));
            Assert.Equal(x, PrimeMath.SquareRoot(((x + 1) * (x + 1)) - 1));
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(15, 3)]
    [InlineData(16, 4)]
    public void SquareRoot_SmallValues_AreExact(int n, int root) =>
        Assert.Equal(root, PrimeMath.SquareRoot(n));

    [Fact]
    public void FermatFactor_PrimesFarApartBeyondTheRounds_FindsNothing()
    {
        // |p − q| ≈ 2^600 for 1024-bit primes: Fermat would need about 2^(1200−1025) steps.
        BigInteger p = PolicyKeys.Prime(1024);
        BigInteger q = PolicyKeys.NextPrime(p + (BigInteger.One << 600));

        Assert.Null(PrimeMath.FermatFactor(p * q, 100));
    }

    [Fact]
    public void FermatFactor_PrimesFoundInTheLastRounds_AreFound()
    {
        // (p+q)/2 − √(pq) ≈ (q−p)²/(8√(pq)): with q − p ≈ 2^517 and √(pq) ≈ 2^1024 that is about 2^7 = 128 steps.
        BigInteger p = PolicyKeys.Prime(1024);
        BigInteger q = PolicyKeys.NextPrime(p + (BigInteger.One << 517));
        BigInteger steps = ((p + q) / 2) - PrimeMath.SquareRoot(p * q);

        Assert.Equal(steps <= 1000, PrimeMath.FermatFactor(p * q, 1000) is not null);
        Assert.Equal(steps <= 10, PrimeMath.FermatFactor(p * q, 10) is not null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(4099)]
    public void Remainders_RandomNumbers_MatchBigIntegerRemainder(int bits)
    {
        var random = new Random(bits);
        uint[] moduli = [1, 2, 3, 64, 65, 751, 65_521, 4_294_967_291, uint.MaxValue];
        for (int sample = 0; sample < 20; sample++)
        {
            BigInteger n = bits == 0 ? BigInteger.Zero : RandomBits(random, bits);
            var remainders = new uint[moduli.Length];
            PrimeMath.Remainders(n, moduli, remainders);
            for (int m = 0; m < moduli.Length; m++)
            {
                Assert.Equal((uint)(n % moduli[m]), remainders[m]);
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(743)]
    [InlineData(751)]
    public void SmallFactor_SmallestPrimeFactorBelowTheBound_IsFound(int p)
    {
        BigInteger large = BigInteger.Parse("170141183460469231731687303715884105727"); // 2^127 - 1, prime
        Assert.Equal(p, PrimeMath.SmallFactor(p * large * large));
        Assert.Equal(p, PrimeMath.SmallFactor(-p * large));
        Assert.Equal(p, PrimeMath.SmallFactor(p));
    }

    [Fact]
    public void SmallFactor_SeveralSmallFactors_ReturnsTheSmallest()
    {
        Assert.Equal(3, PrimeMath.SmallFactor(new BigInteger(751 * 3 * 409)));
        Assert.Equal(2, PrimeMath.SmallFactor(BigInteger.Zero));
    }

    [Fact]
    public void SmallFactor_NoFactorBelowTheBound_IsNull()
    {
        BigInteger large = BigInteger.Parse("170141183460469231731687303715884105727");
        Assert.Null(PrimeMath.SmallFactor(large * large));
        Assert.Null(PrimeMath.SmallFactor(757 * large)); // 757 is the first prime past the bound
        Assert.Null(PrimeMath.SmallFactor(BigInteger.One));
    }

    private static BigInteger RandomBits(Random random, int bits)
    {
        var bytes = new byte[(bits + 7) / 8 + 1];
        random.NextBytes(bytes);
        bytes[^1] = 0;
        BigInteger n = new BigInteger(bytes) & ((BigInteger.One << bits) - 1);
        return n | (BigInteger.One << (bits - 1));
    }
}
