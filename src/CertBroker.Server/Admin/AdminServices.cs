using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Server.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Admin;

/// <summary>Registers what the admin API needs: account security options, authenticators, the audit recorder, authentication and authorization.</summary>
internal static class AdminServices
{
    public static IServiceCollection AddAdminAccess(this IServiceCollection services)
    {
        AddValidatedOptions<PasswordPolicyOptions, PasswordPolicyOptionsValidator>(services, PasswordPolicyOptions.SectionName);
        AddValidatedOptions<LockoutOptions, LockoutOptionsValidator>(services, LockoutOptions.SectionName);
        AddValidatedOptions<SignInLimitOptions, SignInLimitOptionsValidator>(services, SignInLimitOptions.SectionName);
        AddValidatedOptions<PasswordHashingOptions, PasswordHashingOptionsValidator>(services, PasswordHashingOptions.SectionName);
        AddValidatedOptions<BootstrapAdminOptions, BootstrapAdminOptionsValidator>(services, BootstrapAdminOptions.SectionName);
        AddValidatedOptions<AuditOptions, AuditOptionsValidator>(services, AuditOptions.SectionName);

        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<SignInLockout>();
        services.AddSingleton<SourceFailureLimiter>();
        services.AddSingleton<AccountAuthenticator>();
        services.AddSingleton<ApiTokenAuthenticator>();
        services.AddSingleton<ApiTokenGenerator>();
        services.AddSingleton<BootstrapAdmin>();
        services.AddSyslogForwarding();
        services.AddSingleton<AuditRecorder>();
        services.AddSingleton<SignInAudit>();
        services.AddSingleton<PasswordCheckLimiter>();
        services.AddSingleton<AccountServices>();

        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AdminAuthenticationHandler>(AdminAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAdminPolicies();
        services.AddAdminProblemDetails();
        services.AddAdminOpenApi();
        services.Configure<JsonOptions>(options =>
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return services;
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
