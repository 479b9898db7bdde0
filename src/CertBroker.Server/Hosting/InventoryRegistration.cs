using CertBroker.Core.Challenges;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Inventory;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

internal static class InventoryRegistration
{
    /// <summary>
    /// One-time challenges (issuer, lockout, the guard the enrolment pipeline asks) and device matching. The stores
    /// behind them come from the SQLite store's registration, the <c>AuditRecorder</c> from the admin services.
    /// </summary>
    public static IServiceCollection AddInventoryAndChallenges(this IServiceCollection services)
    {
        services.AddOptions<ChallengeLockoutOptions>().BindConfiguration(ChallengeLockoutOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChallengeLockoutOptions>, ChallengeLockoutOptionsValidator>();
        services.AddSingleton<ChallengeLockout>();
        services.AddSingleton<ChallengeGuard>();
        services.AddSingleton<OneTimeChallengeIssuer>();
        services.AddSingleton<DeviceMatcher>();
        services.AddSingleton<IDeviceMatcher>(provider => provider.GetRequiredService<DeviceMatcher>());
        services.AddOptions<SearchIndexOptions>()
            .BindConfiguration(SearchIndexOptions.SectionName)
            .Validate(o => o.Interval > TimeSpan.Zero && o.BatchSize is >= 1 and <= 100_000, "CertBroker:Storage:SearchIndex needs Interval > 0 and BatchSize 1-100000.")
            .ValidateOnStart();
        return services;
    }
}
