using CertBroker.Core.Challenges;

namespace CertBroker.Storage.Rows;

/// <summary>A challenges row; property names are the column aliases of <c>SqliteChallenges.Columns</c>.</summary>
internal sealed class ChallengeRow
{
    public long Id { get; set; }

    public string PasswordSha256 { get; set; } = "";

    public string Profile { get; set; } = "";

    public string? BindingKind { get; set; }

    public string? BindingValue { get; set; }

    public string CreatedBy { get; set; } = "";

    public long CreatedAt { get; set; }

    public long ExpiresAt { get; set; }

    public long? ConsumedAt { get; set; }

    public string? ConsumedTransaction { get; set; }

    public static ChallengeRow From(OneTimeChallenge challenge) => new()
    {
        Id = challenge.Id,
        PasswordSha256 = challenge.PasswordSha256,
        Profile = challenge.Profile,
        BindingKind = challenge.Binding?.Kind.ToString(),
        BindingValue = challenge.Binding?.Value,
        CreatedBy = challenge.CreatedBy,
        CreatedAt = UnixMicroseconds.From(challenge.CreatedAt),
        ExpiresAt = UnixMicroseconds.From(challenge.ExpiresAt),
        ConsumedAt = UnixMicroseconds.From(challenge.ConsumedAt),
        ConsumedTransaction = challenge.ConsumedTransaction,
    };

    public OneTimeChallenge ToRecord() => new()
    {
        Id = Id,
        PasswordSha256 = PasswordSha256,
        Profile = Profile,
        Binding = BindingKind is not null && BindingValue is not null && Enum.TryParse(BindingKind, out ChallengeBindingKind kind)
            ? new ChallengeBinding(kind, BindingValue)
            : null,
        CreatedBy = CreatedBy,
        CreatedAt = UnixMicroseconds.ToDateTimeOffset(CreatedAt),
        ExpiresAt = UnixMicroseconds.ToDateTimeOffset(ExpiresAt),
        ConsumedAt = UnixMicroseconds.ToDateTimeOffset(ConsumedAt),
        ConsumedTransaction = ConsumedTransaction,
    };
}
