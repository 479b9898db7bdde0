using System.Security.Cryptography;
using System.Text;
using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Creates the first Administrator, <c>admin</c>, on first start: with the configured bootstrap password, or with a
/// generated one written to a file only its owner can read, and nowhere else. An account with a generated password
/// must change it before it can do anything else; a configured one is the operator's choice and may be used as is.
/// </summary>
public sealed class BootstrapAdmin
{
    public const string AdminUserName = "admin";

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerReadWrite | UnixFileMode.UserExecute;

    private readonly IAccountStore _store;
    private readonly PasswordHasher _hasher;
    private readonly PasswordPolicy _policy;
    private readonly BootstrapAdminOptions _options;
    private readonly string _dataDir;
    private readonly TimeProvider _timeProvider;

    public BootstrapAdmin(
        IAccountStore store,
        PasswordHasher hasher,
        PasswordPolicy policy,
        IOptions<BootstrapAdminOptions> options,
        IOptions<BrokerOptions> brokerOptions,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(brokerOptions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _hasher = hasher;
        _policy = policy;
        _options = options.Value;
        _dataDir = brokerOptions.Value.DataDir;
        _timeProvider = timeProvider;
    }

    /// <summary>Full path of the file a generated password goes to.</summary>
    public string PasswordFilePath => Path.GetFullPath(Path.Combine(_dataDir, _options.BootstrapPasswordFile));

    public async Task<BootstrapResult> EnsureAdministratorAsync(CancellationToken cancellationToken)
    {
        string? configured = string.IsNullOrEmpty(_options.BootstrapPassword) ? null : _options.BootstrapPassword;
        if (await _store.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return AccountsExist(configured);
        }

        if (configured is not null)
        {
            // The contract: the configured password is the password, even one the policy would refuse.
            AuditEvent configuredEvent = Created("Created with the configured bootstrap password.");
            if (!await CreateAdminAsync(configured, mustChangePassword: false, configuredEvent, cancellationToken).ConfigureAwait(false))
            {
                return AccountsExist(configured);
            }

            return new BootstrapResult
            {
                Outcome = BootstrapOutcome.CreatedWithConfiguredPassword,
                ConfiguredPasswordViolations = _policy.Evaluate(configured),
                AuditEvent = configuredEvent,
            };
        }

        string generated = new RandomPasswordGenerator(_policy).Generate();
        string path = PasswordFilePath;

        // Written before the account exists, so there is never an account whose password is nowhere to be found; renamed
        // into place only once the account is created, so losing a race with another instance leaves no stale file.
        string temporary = await WriteOwnerOnlyAsync(path, generated, cancellationToken).ConfigureAwait(false);
        AuditEvent generatedEvent = Created("Created with a generated password, written to the bootstrap password file.");
        try
        {
            // Whoever reads the file (a backup, a support bundle) could otherwise use the account for good.
            if (!await CreateAdminAsync(generated, mustChangePassword: true, generatedEvent, cancellationToken).ConfigureAwait(false))
            {
                File.Delete(temporary);
                return AccountsExist(configured);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return new BootstrapResult
        {
            Outcome = BootstrapOutcome.CreatedWithGeneratedPassword,
            PasswordFile = path,
            AuditEvent = generatedEvent,
        };
    }

    private static BootstrapResult AccountsExist(string? configured) =>
        new() { Outcome = BootstrapOutcome.AccountsExist, ConfiguredPasswordIgnored = configured is not null };

    /// <summary>The record of the bootstrap, written in the same transaction as the account.</summary>
    private AuditEvent Created(string details) => new()
    {
        Time = _timeProvider.GetUtcNow(),
        Action = AuditActions.BootstrapAdminCreated,
        Outcome = AuditOutcome.Success,
        Actor = "system",
        Target = AdminUserName,
        Details = details,
    };

    private Task<bool> CreateAdminAsync(string password, bool mustChangePassword, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var account = new AdminAccount
        {
            UserName = AdminUserName,
            Role = Role.Administrator,
            PasswordHash = _hasher.Hash(password),
            PasswordSetAt = _timeProvider.GetUtcNow(),
            IsBootstrapPassword = true,
            MustChangePassword = mustChangePassword,
        };
        return _store.CreateAsync(account, auditEvent, cancellationToken);
    }

    /// <summary>Writes a new file next to <paramref name="path"/> that is owner-only from its creation, and returns its path.</summary>
    private static async Task<string> WriteOwnerOnlyAsync(string path, string password, CancellationToken cancellationToken)
    {
        string directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerOnlyDirectory);
            }
        }

        string temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        var streamOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600, never broader even for an instant; the umask can only take bits away.
            streamOptions.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            await using var stream = new FileStream(temporary, streamOptions);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, OwnerReadWrite);
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(password + "\n"), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return temporary;
    }
}
