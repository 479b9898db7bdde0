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
}
