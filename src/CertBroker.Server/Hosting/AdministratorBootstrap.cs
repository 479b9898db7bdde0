using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

namespace CertBroker.Server.Hosting;

/// <summary>Creates the first Administrator at start-up when no account exists, and tells the operator how to sign in.</summary>
internal static partial class AdministratorBootstrap
{
    public static async Task RunAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        BootstrapResult result = await services.GetRequiredService<BootstrapAdmin>().EnsureAdministratorAsync(cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case BootstrapOutcome.AccountsExist:
                if (result.ConfiguredPasswordIgnored)
                {
                    LogConfiguredPasswordIgnored(logger, BootstrapAdminOptions.SectionName);
                }

                return;
            case BootstrapOutcome.CreatedWithConfiguredPassword:
                LogCreatedWithConfiguredPassword(logger, BootstrapAdmin.AdminUserName);
                if (result.ConfiguredPasswordViolations.Count > 0)
                {
                    LogWeakConfiguredPassword(logger, string.Join(" ", result.ConfiguredPasswordViolations.Select(v => v.Message)));
                }

                break;
            case BootstrapOutcome.CreatedWithGeneratedPassword:
                // Only the file's path: log files are read by more people, and kept longer, than the owner-only file.
                LogCreatedWithGeneratedPassword(logger, BootstrapAdmin.AdminUserName, result.PasswordFile!);
                break;
        }

        // Stored with the account; only the forwarding (syslog) is left to do.
        services.GetRequiredService<AuditRecorder>().Committed(result.AuditEvent!);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Section}:BootstrapPassword is ignored because accounts exist; remove it from the configuration")]
    private static partial void LogConfiguredPasswordIgnored(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first Administrator {UserName} with the configured bootstrap password; sign in and change it")]
    private static partial void LogCreatedWithConfiguredPassword(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The configured bootstrap password breaks the password policy and is used anyway: {Violations}")]
    private static partial void LogWeakConfiguredPassword(ILogger logger, string violations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first Administrator {UserName} with a generated password, written to {PasswordFile} (readable by the owner only); " +
        "sign in with it and change it (POST /api/v1/me/password) before anything else, then delete the file")]
    private static partial void LogCreatedWithGeneratedPassword(ILogger logger, string userName, string passwordFile);
}
