using System.Text.RegularExpressions;
using CertBroker.Core.Accounts;
using CertBroker.Core.Tests.Support;

namespace CertBroker.Core.Tests.Accounts;

public sealed class ApiTokenTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemoryApiTokenStore _store = new();
    private readonly InMemoryAccountStore _accounts = new();

    public ApiTokenTests()
    {
        _accounts.Put(Account("admin", Role.Administrator));
    }

    [Fact]
    public void Generate_Secret_IsPrefixedAnd256RandomBitsInBase64Url()
    {
        NewApiToken issued = Generator().Generate("prometheus", Role.Monitoring, null, "admin");

        Assert.Matches(new Regex("^cbt_[A-Za-z0-9_-]{43}$"), issued.Secret);
        Assert.NotEqual(issued.Secret, Generator().Generate("prometheus", Role.Monitoring, null, "admin").Secret);
    }

    [Fact]
    public void Generate_StoredRecord_HoldsOnlyTheSecretsSha256()
    {
        NewApiToken issued = Generator().Generate("prometheus", Role.Monitoring, Start.AddDays(30), "admin");

        Assert.Equal(ApiTokenSecret.Hash(issued.Secret), issued.Token.SecretHash);
        Assert.Matches(new Regex("^[0-9a-f]{64}$"), issued.Token.SecretHash);
        Assert.DoesNotContain(issued.Secret, issued.Token.ToString(), StringComparison.Ordinal);
        Assert.Equal(Role.Monitoring, issued.Token.Role);
        Assert.Equal(Start, issued.Token.CreatedAt);
        Assert.Equal(Start.AddDays(30), issued.Token.ExpiresAt);
    }

    [Fact]
    public void ToString_NewToken_LeavesOutTheSecret()
    {
        NewApiToken issued = Generator().Generate("prometheus", Role.Monitoring, null, "admin");

        Assert.DoesNotContain(issued.Secret, issued.ToString(), StringComparison.Ordinal);
        Assert.Contains("prometheus", issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ExpiryNotInTheFuture_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Generator().Generate("ci", Role.Auditor, Start, "admin"));
    }

    [Fact]
    public async Task AuthenticateAsync_IssuedToken_IsAcceptedWithItsRole()
    {
        string secret = await IssueAsync("ansible", Role.SecurityAdministrator, null);

        ApiTokenAuthentication result = await Authenticator().AuthenticateAsync(secret, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(Role.SecurityAdministrator, result.Role);
        Assert.Equal("ansible", result.Token!.Name);
    }

    [Fact]
    public async Task AuthenticateAsync_OneCharacterChanged_IsRefused()
    {
        string secret = await IssueAsync("ansible", Role.Administrator, null);
        // A character inside the base64url body: the last one also carries padding bits, so changing it can make the
        // secret malformed rather than merely unknown.
        string altered = secret[..10] + (secret[10] == 'A' ? 'B' : 'A') + secret[11..];

        ApiTokenAuthentication result = await Authenticator().AuthenticateAsync(altered, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(ApiTokenFailure.Unknown, result.Failure);
        Assert.Null(result.Role);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer cbt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("cbt_short")]
    [InlineData("xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("cbt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    public async Task AuthenticateAsync_NotShapedLikeAToken_IsRefusedWithoutLookUp(string presented)
    {
        ApiTokenAuthentication result = await Authenticator().AuthenticateAsync(presented, CancellationToken.None);

        Assert.Equal(ApiTokenFailure.Malformed, result.Failure);
        Assert.Equal(0, _store.Lookups);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenWithExpiry_WorksUntilThenIsRefusedAsExpired()
    {
        string secret = await IssueAsync("ci", Role.Auditor, Start.AddDays(7));
        ApiTokenAuthenticator authenticator = Authenticator();

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.True((await authenticator.AuthenticateAsync(secret, CancellationToken.None)).Succeeded);

        _clock.Advance(TimeSpan.FromSeconds(1));
        ApiTokenAuthentication expired = await authenticator.AuthenticateAsync(secret, CancellationToken.None);
        Assert.False(expired.Succeeded);
        Assert.Equal(ApiTokenFailure.Expired, expired.Failure);
        Assert.Equal("ci", expired.Token!.Name);
        Assert.Null(expired.Role);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenWithoutExpiry_KeepsWorking()
    {
        string secret = await IssueAsync("prometheus", Role.Monitoring, null);
        _clock.Advance(TimeSpan.FromDays(3650));

        Assert.True((await Authenticator().AuthenticateAsync(secret, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_DeletedToken_IsRefused()
    {
        string secret = await IssueAsync("prometheus", Role.Monitoring, null);

        await _store.DeleteAsync("prometheus", CancellationToken.None);

        Assert.Equal(ApiTokenFailure.Unknown, (await Authenticator().AuthenticateAsync(secret, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task AuthenticateAsync_OwnerDeleted_IsRefusedAtOnce()
    {
        _accounts.Put(Account("alice", Role.Administrator));
        string secret = await IssueAsync("ansible", Role.Administrator, null, owner: "alice");
        ApiTokenAuthenticator authenticator = Authenticator();
        Assert.True((await authenticator.AuthenticateAsync(secret, CancellationToken.None)).Succeeded);

        _accounts.Remove("alice");

        Assert.Equal(ApiTokenFailure.OwnerGone, (await authenticator.AuthenticateAsync(secret, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task AuthenticateAsync_OwnerDisabledThenEnabled_IsRefusedWhileDisabled()
    {
        _accounts.Put(Account("alice", Role.Administrator));
        string secret = await IssueAsync("ansible", Role.Auditor, null, owner: "alice");
        ApiTokenAuthenticator authenticator = Authenticator();

        _accounts.Put(Account("alice", Role.Administrator) with { Disabled = true });
        ApiTokenAuthentication disabled = await authenticator.AuthenticateAsync(secret, CancellationToken.None);
        _accounts.Put(Account("alice", Role.Administrator));
        ApiTokenAuthentication enabled = await authenticator.AuthenticateAsync(secret, CancellationToken.None);

        Assert.Equal(ApiTokenFailure.OwnerDisabled, disabled.Failure);
        Assert.Null(disabled.Role);
        Assert.True(enabled.Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_OwnerDemotedBelowTheTokensRole_IsRefused()
    {
        _accounts.Put(Account("alice", Role.Administrator));
        string admin = await IssueAsync("deploy", Role.Administrator, null, owner: "alice");
        string reader = await IssueAsync("grafana", Role.Monitoring, null, owner: "alice");

        _accounts.Put(Account("alice", Role.Auditor));

        Assert.Equal(ApiTokenFailure.OwnerLacksRole, (await Authenticator().AuthenticateAsync(admin, CancellationToken.None)).Failure);
        Assert.True((await Authenticator().AuthenticateAsync(reader, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenWithoutOwnerFromAnEarlierVersion_KeepsWorking()
    {
        NewApiToken issued = Generator().Generate("legacy", Role.Monitoring, null, "admin");
        Assert.True(await _store.CreateAsync(issued.Token with { Owner = null }, CancellationToken.None));

        Assert.True((await Authenticator().AuthenticateAsync(issued.Secret, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public void Matches_StoredHashOfOtherSecret_IsFalse()
    {
        string secret = ApiTokenSecret.Generate();

        Assert.True(ApiTokenSecret.Matches(secret, ApiTokenSecret.Hash(secret)));
        Assert.False(ApiTokenSecret.Matches(secret, ApiTokenSecret.Hash(ApiTokenSecret.Generate())));
        Assert.False(ApiTokenSecret.Matches(secret, string.Empty));
    }

    private async Task<string> IssueAsync(string name, Role role, DateTimeOffset? expiresAt, string owner = "admin")
    {
        NewApiToken issued = Generator().Generate(name, role, expiresAt, owner);
        Assert.True(await _store.CreateAsync(issued.Token, CancellationToken.None));
        return issued.Secret;
    }

    private ApiTokenGenerator Generator() => new(_clock);

    private ApiTokenAuthenticator Authenticator() => new(_store, _accounts, _clock);

    private static AdminAccount Account(string userName, Role role) => new()
    {
        UserName = userName,
        Role = role,
        PasswordHash = "unused",
        PasswordSetAt = Start,
    };
}
