namespace CertBroker.Core.Accounts;

/// <summary>What first-start bootstrap did, for the host to log.</summary>
public sealed record BootstrapResult
{
    public required BootstrapOutcome Outcome { get; init; }

    /// <summary>
    /// The <c>account.bootstrap</c> event stored together with the new account, for the host to forward
    /// (<see cref="Audit.AuditRecorder.Committed"/>); null when nothing was created.
    /// </summary>
    public Audit.AuditEvent? AuditEvent { get; init; }

    /// <summary>
    /// Full path of the owner-only file holding the generated password, for <see cref="BootstrapOutcome.CreatedWithGeneratedPassword"/>.
    /// The password itself is deliberately not part of the result: the file is the only place it goes, never a log.
    /// </summary>
    public string? PasswordFile { get; init; }

    /// <summary>
    /// Rules of the password policy the configured bootstrap password breaks. It is used anyway, as configured; the
    /// host should warn.
    /// </summary>
    public IReadOnlyList<PasswordViolation> ConfiguredPasswordViolations { get; init; } = [];

    /// <summary>
    /// A bootstrap password is configured although accounts exist; the host should suggest removing it from
    /// configuration.
    /// </summary>
    public bool ConfiguredPasswordIgnored { get; init; }

    // Lists the members explicitly, so a member added later does not reach a log line by accident.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Outcome = {Outcome}, PasswordFile = {PasswordFile}, ");
        builder.Append($"ConfiguredPasswordViolations = {ConfiguredPasswordViolations.Count}, ConfiguredPasswordIgnored = {ConfiguredPasswordIgnored}");
        return true;
    }
}
