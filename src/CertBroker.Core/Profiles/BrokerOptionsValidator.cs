using Microsoft.Extensions.Options;

namespace CertBroker.Core.Profiles;

/// <summary>Reports every configuration problem at once, naming the key and the offending value.</summary>
public sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add($"{BrokerOptions.SectionName}:{nameof(BrokerOptions.DataDir)} must not be empty.");
        }

        if (options.MaxMessageBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add($"{BrokerOptions.SectionName}:{nameof(BrokerOptions.MaxMessageBytes)} must be between 1024 and 1048576; got {options.MaxMessageBytes}.");
        }

        foreach ((string profileName, ProfileOptions profile) in options.Profiles)
        {
            string prefix = $"{BrokerOptions.SectionName}:Profiles:{profileName}";
            if (!System.Text.RegularExpressions.Regex.IsMatch(profileName, "^[A-Za-z0-9._-]{1,64}$"))
            {
                failures.Add($"{prefix}: profile names use letters, digits, '.', '_' and '-' only; got '{profileName}'.");
            }

            if (profile.ValidityDays is < 1 or > 3650)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.ValidityDays)} must be between 1 and 3650; got {profile.ValidityDays}.");
            }

            if (profile.Challenge == ChallengeMode.None && !string.IsNullOrEmpty(profile.ChallengePassword))
            {
                failures.Add($"{prefix}: {nameof(ProfileOptions.Challenge)}=None contradicts a configured {nameof(ProfileOptions.ChallengePassword)}.");
            }

            NdesOptionsValidation.Validate(prefix, profile, failures);
            if (profile.Challenge == ChallengeMode.OneTime && !string.IsNullOrEmpty(profile.ChallengePassword))
            {
                failures.Add($"{prefix}: {nameof(ProfileOptions.Challenge)}=OneTime contradicts a configured {nameof(ProfileOptions.ChallengePassword)}.");
            }

            if (profile.ChallengeLifetimeMinutes is < 1 or > 10080)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.ChallengeLifetimeMinutes)} must be between 1 and 10080; got {profile.ChallengeLifetimeMinutes}.");
            }

            if (profile.MaxOutstandingChallenges is < 1 or > 100_000)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.MaxOutstandingChallenges)} must be between 1 and 100000; got {profile.MaxOutstandingChallenges}.");
            }

            if (profile.Challenge == ChallengeMode.None && profile.Approval != ApprovalMode.Manual)
            {
                failures.Add($"{prefix}: {nameof(ProfileOptions.Challenge)}=None is only allowed with {nameof(ProfileOptions.Approval)}=Manual; got {nameof(ProfileOptions.Approval)}={profile.Approval}.");
            }

            if (profile.PendingExpiryDays is < 1 or > 365)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.PendingExpiryDays)} must be between 1 and 365; got {profile.PendingExpiryDays}.");
            }

            if (profile.RenewalWindowPercent is < 1 or > 100)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.RenewalWindowPercent)} must be between 1 and 100; got {profile.RenewalWindowPercent}.");
            }

            if (profile.SigningTimeToleranceMinutes is < 1)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.SigningTimeToleranceMinutes)} must be at least 1; got {profile.SigningTimeToleranceMinutes}.");
            }

            if (profile.RenewalWindowDays is < 1)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.RenewalWindowDays)} must be at least 1; got {profile.RenewalWindowDays}.");
            }

            if (profile.RenewalDuePercent is < 1 or > 99)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.RenewalDuePercent)} must be between 1 and 99; got {profile.RenewalDuePercent}.");
            }

            if (profile.RenewalDueDaysBeforeExpiry is < 1 || profile.RenewalDueDaysBeforeExpiry >= profile.ValidityDays)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.RenewalDueDaysBeforeExpiry)} must be at least 1 and less than {nameof(ProfileOptions.ValidityDays)} ({profile.ValidityDays}); got {profile.RenewalDueDaysBeforeExpiry}.");
            }

            if (profile.RenewalJitterPercent is < 0 or > 25 || double.IsNaN(profile.RenewalJitterPercent))
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.RenewalJitterPercent)} must be between 0 and 25; got {profile.RenewalJitterPercent}.");
            }

            if (profile.RenewalJitterHours is < 0)
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.RenewalJitterHours)} must be at least 0; got {profile.RenewalJitterHours}.");
            }

            foreach (string eku in profile.ExtendedKeyUsage.Where(e => !ScepProfile.IsKnownExtendedKeyUsage(e)))
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.ExtendedKeyUsage)}: '{eku}' is neither an OID, None, nor one of {string.Join(", ", ScepProfile.ExtendedKeyUsageNames)}.");
            }

            if (profile.ExtendedKeyUsage.Count > 1 && profile.ExtendedKeyUsage.Any(e => e.Equals("None", StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.ExtendedKeyUsage)}: None cannot be combined with other usages.");
            }

            foreach (string cipher in profile.Ciphers.Where(c => !ScepProfile.KnownCiphers.Contains(c, StringComparer.OrdinalIgnoreCase)))
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.Ciphers)}: '{cipher}' is not AES or DES3.");
            }

            Names.NamePolicySettings.Create(profile.Names, $"{prefix}:{nameof(ProfileOptions.Names)}", failures);
            if (profile.Backend == ProfileBackend.Ndes
                && (profile.Names.OnViolation == Names.NameViolationAction.Drop || !string.IsNullOrWhiteSpace(profile.Names.FixedSubject)))
            {
                // The upstream signs the device's CSR as sent, and only the device can sign another one.
                failures.Add($"{prefix}:{nameof(ProfileOptions.Names)}: OnViolation=Drop and FixedSubject need Backend=Embedded; an upstream CA issues the device's CSR unchanged, so Backend=Ndes can only refuse.");
            }

            foreach (string digest in profile.Digests.Where(d => !ScepProfile.KnownDigests.Contains(d, StringComparer.OrdinalIgnoreCase)))
            {
                failures.Add($"{prefix}:{nameof(ProfileOptions.Digests)}: '{digest}' is not SHA-1, SHA-256, SHA-384 or SHA-512.");
            }
        }

        foreach ((string path, string profile) in options.PathProfiles)
        {
            if (!path.StartsWith('/'))
            {
                failures.Add($"{BrokerOptions.SectionName}:PathProfiles: path '{path}' must start with '/'.");
            }

            if (!string.IsNullOrEmpty(profile) && !profile.Equals(BrokerOptions.DefaultProfileName, StringComparison.OrdinalIgnoreCase)
                && !options.Profiles.ContainsKey(profile))
            {
                failures.Add($"{BrokerOptions.SectionName}:PathProfiles:{path} names profile '{profile}', which is not configured.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
