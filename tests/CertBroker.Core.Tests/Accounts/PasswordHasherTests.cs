using CertBroker.Core.Accounts;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class PasswordHasherTests
{
    // Low so the suite stays fast; one test below checks the production default.
    private const int FastIterations = 1_000;

    private readonly PasswordHasher _hasher = Hasher(FastIterations);

    [Fact]
    public void Verify_SamePassword_Matches()
    {
        string hash = _hasher.Hash("Correct-Horse-7");

        Assert.True(_hasher.Verify("Correct-Horse-7", hash));
    }

    [Theory]
    [InlineData("correct-Horse-7")]
    [InlineData("Correct-Horse-7 ")]
    [InlineData("")]
    public void Verify_OtherPassword_DoesNotMatch(string other)
    {
        string hash = _hasher.Hash("Correct-Horse-7");

        Assert.False(_hasher.Verify(other, hash));
    }

    [Fact]
    public void Verify_NonAsciiPassword_RoundTrips()
    {
        string hash = _hasher.Hash("Grüße-aus-Köln-😀-7");

        Assert.True(_hasher.Verify("Grüße-aus-Köln-😀-7", hash));
        Assert.False(_hasher.Verify("Grusse-aus-Koln-😀-7", hash));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersBySalt()
    {
        Assert.NotEqual(_hasher.Hash("Correct-Horse-7"), _hasher.Hash("Correct-Horse-7"));
    }

    [Fact]
    public void Hash_DefaultOptions_Is600000IterationsWithSixteenByteSaltAndNamesItsAlgorithm()
    {
        PasswordHasher hasher = new(Options.Create(new PasswordHashingOptions()));

        string[] parts = hasher.Hash("Correct-Horse-7").Split('$');

        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void Verify_HashWrittenWithOtherIterationCount_StillMatches()
    {
        string oldHash = Hasher(500).Hash("Correct-Horse-7");

        Assert.True(_hasher.Verify("Correct-Horse-7", oldHash));
    }

    [Fact]
    public void NeedsRehash_FewerIterationsThanConfigured_IsTrue()
    {
        string oldHash = Hasher(500).Hash("Correct-Horse-7");

        Assert.True(_hasher.NeedsRehash(oldHash));
    }

    [Fact]
    public void NeedsRehash_SameOrMoreIterations_IsFalse()
    {
        Assert.False(_hasher.NeedsRehash(_hasher.Hash("Correct-Horse-7")));
        Assert.False(_hasher.NeedsRehash(Hasher(FastIterations * 2).Hash("Correct-Horse-7")));
    }

    [Fact]
    public void Verify_TamperedHash_DoesNotMatch()
    {
        string[] parts = _hasher.Hash("Correct-Horse-7").Split('$');
        byte[] hash = Convert.FromBase64String(parts[3]);
        hash[0] ^= 1;
        parts[3] = Convert.ToBase64String(hash);

        Assert.False(_hasher.Verify("Correct-Horse-7", string.Join('$', parts)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Correct-Horse-7")]
    [InlineData("bcrypt$10$abc$def")]
    [InlineData("pbkdf2-sha256$-1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$2000000000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$not base64$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    public void Verify_UnreadableStoredHash_MatchesNothingAndNeedsRehash(string stored)
    {
        Assert.False(_hasher.Verify("Correct-Horse-7", stored));
        Assert.True(_hasher.NeedsRehash(stored));
    }

    private static PasswordHasher Hasher(int iterations) =>
        new(Options.Create(new PasswordHashingOptions { Iterations = iterations }));
}
