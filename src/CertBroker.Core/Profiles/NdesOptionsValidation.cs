namespace CertBroker.Core.Profiles;

/// <summary>The checks on a profile's <c>Backend</c> and <c>Ndes</c> keys, reported with the others by <see cref="BrokerOptionsValidator"/>.</summary>
internal static class NdesOptionsValidation
{
    public static void Validate(string prefix, ProfileOptions profile, List<string> failures)
    {
        if (!Enum.IsDefined(profile.Backend))
        {
            failures.Add($"{prefix}:{nameof(ProfileOptions.Backend)} must be Embedded or Ndes; got {profile.Backend}.");
        }

        foreach (string thumbprint in profile.TrustedRaThumbprints.Where(t => !System.Text.RegularExpressions.Regex.IsMatch(t, "^[0-9A-Fa-f]{64}$")))
        {
            failures.Add($"{prefix}:{nameof(ProfileOptions.TrustedRaThumbprints)}: '{thumbprint}' is not a SHA-256 thumbprint (64 hex characters).");
        }

        if (profile.Backend != ProfileBackend.Ndes)
        {
            return;
        }

        NdesOptions ndes = profile.Ndes;
        string key = $"{prefix}:{nameof(ProfileOptions.Ndes)}";
        if (!IsHttpUrl(ndes.Url))
        {
            failures.Add($"{key}:{nameof(NdesOptions.Url)} must be an absolute http or https URL with Backend=Ndes; got '{ndes.Url}'.");
        }

        bool hasStatic = !string.IsNullOrEmpty(ndes.Challenge);
        bool hasAdmin = !string.IsNullOrEmpty(ndes.AdminUrl);
        if (hasStatic == hasAdmin)
        {
            failures.Add($"{key}: set exactly one of {nameof(NdesOptions.Challenge)} (a static upstream challenge) and {nameof(NdesOptions.AdminUrl)} (one-time passwords from the upstream's mscep_admin page).");
        }

        if (hasAdmin && !IsHttpUrl(ndes.AdminUrl))
        {
            failures.Add($"{key}:{nameof(NdesOptions.AdminUrl)} must be an absolute http or https URL; got '{ndes.AdminUrl}'.");
        }

        if (string.IsNullOrEmpty(ndes.UserName) != string.IsNullOrEmpty(ndes.Password))
        {
            failures.Add($"{key}: {nameof(NdesOptions.UserName)} and {nameof(NdesOptions.Password)} go together.");
        }

        if (!string.IsNullOrEmpty(profile.ChallengePassword) && profile.ChallengePassword != ndes.Challenge)
        {
            failures.Add($"{prefix}:{nameof(ProfileOptions.ChallengePassword)} must stay unset with Backend=Ndes: devices use the upstream's challenge ({key}:{nameof(NdesOptions.Challenge)}).");
        }

        if (profile.Challenge == ChallengeMode.None)
        {
            failures.Add($"{prefix}: {nameof(ProfileOptions.Challenge)}=None is not possible with Backend=Ndes: the upstream reads its challenge from the device's CSR.");
        }

        if (string.IsNullOrEmpty(ndes.RaCertificatePath) != string.IsNullOrEmpty(ndes.RaKeyPath))
        {
            failures.Add($"{key}: {nameof(NdesOptions.RaCertificatePath)} and {nameof(NdesOptions.RaKeyPath)} go together.");
        }

        Range(failures, key, nameof(NdesOptions.TimeoutSeconds), ndes.TimeoutSeconds, 1, 300);
        Range(failures, key, nameof(NdesOptions.PollIntervalSeconds), ndes.PollIntervalSeconds, 5, 86_400);
        Range(failures, key, nameof(NdesOptions.MaxAttempts), ndes.MaxAttempts, 1, 1000);
        Range(failures, key, nameof(NdesOptions.RetryDelaySeconds), ndes.RetryDelaySeconds, 1, 3600);
        Range(failures, key, nameof(NdesOptions.CaRefreshMinutes), ndes.CaRefreshMinutes, 1, 10_080);
        if (ndes.MaxRetryDelaySeconds < ndes.RetryDelaySeconds || ndes.MaxRetryDelaySeconds > 86_400)
        {
            failures.Add($"{key}:{nameof(NdesOptions.MaxRetryDelaySeconds)} must be between {nameof(NdesOptions.RetryDelaySeconds)} ({ndes.RetryDelaySeconds}) and 86400; got {ndes.MaxRetryDelaySeconds}.");
        }
    }

    /// <summary>
    /// The device challenge follows the upstream's: Static with the upstream's static password, OneTime when the
    /// passwords come from the upstream's admin page. Applied once when the catalog is built.
    /// </summary>
    public static void ApplyChallenge(ProfileOptions profile)
    {
        if (profile.Backend != ProfileBackend.Ndes)
        {
            return;
        }

        if (!string.IsNullOrEmpty(profile.Ndes.Challenge))
        {
            profile.Challenge = ChallengeMode.Static;
            profile.ChallengePassword = profile.Ndes.Challenge;
        }
        else if (!string.IsNullOrEmpty(profile.Ndes.AdminUrl))
        {
            profile.Challenge = ChallengeMode.OneTime;
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void Range(List<string> failures, string key, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key}:{name} must be between {min} and {max}; got {value}.");
        }
    }
}
