using Microsoft.Extensions.Options;

namespace CertBroker.Core.Challenges;

/// <summary>
/// <c>CertBroker:ChallengeLockout</c>: failed challenge attempts are counted per source address; a source with
/// <see cref="Threshold"/> failures within <see cref="PeriodMinutes"/> is refused for <see cref="PeriodMinutes"/>
/// after its last failure, whatever password it sends.
/// </summary>
public sealed class ChallengeLockoutOptions
{
    public const string SectionName = "CertBroker:ChallengeLockout";

    /// <summary>Failures that lock a source out, 1 to 100. Default 5, as MFD lockout policies count.</summary>
    public int Threshold { get; set; } = 5;

    /// <summary>How long failures are remembered and a lockout lasts, 1 to 1440 minutes. Default 15.</summary>
    public int PeriodMinutes { get; set; } = 15;
}
