using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Core.Accounts;
using CertBroker.Core.Challenges;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;

namespace CertBroker.Server.Admin;

/// <summary>
/// <c>/certsrv/mscep_admin/</c>: the page NDES serves to admins, with a new one-time password on every load, so
/// runbooks and scripts written against NDES keep working. What they rely on is reproduced: the page is UTF-16LE
/// without a byte-order mark, the password is 16 upper-case hex characters after
/// "The enrollment challenge password is: &lt;B&gt; ", the lifetime reads "will expire within N minutes", and a
/// full cache says "The password cache is full." with status 200. Same authentication as the API; anonymous
/// callers get 401, as from NDES. <c>?profile=</c> picks a profile other than <c>default</c>. It belongs to the admin
/// surface, so with a separate admin listener it is served there only.
/// </summary>
internal static class NdesAdminPage
{
    public static IEndpointRouteBuilder MapNdesAdminPage(this IEndpointRouteBuilder app)
    {
        // Routing ignores a trailing slash, so the first also serves /certsrv/mscep_admin/.
        foreach (string path in new[] { AdminApi.NdesAdminPath, AdminApi.NdesAdminPath + "/default.aspx" })
        {
            app.MapGet(path, ServeAsync).RequirePermission(Permission.IssueChallenges).ExcludeFromDescription();
        }

        return app;
    }

    private static async Task<IResult> ServeAsync(
        HttpContext http, ProfileCatalog profiles, OneTimeChallengeIssuer issuer, BackendCatalog backends, TimeProvider time, CancellationToken cancellationToken)
    {
        string name = http.Request.Query["profile"].ToString() is { Length: > 0 } given ? given : BrokerOptions.DefaultProfileName;
        ScepProfile? profile = profiles.Find(name);
        if (profile is null || profile.Options.Challenge != ChallengeMode.OneTime)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No one-time challenges for this profile.",
                detail: profile is null ? $"There is no profile '{name}'." : $"Profile '{profile.Name}' uses Challenge={profile.Options.Challenge}.");
        }

        ChallengeIssue issue;
        try
        {
            issue = await issuer.IssueAsync(profile, binding: null, lifetimeMinutes: null, http.AuditBy(time.GetUtcNow(), ""), cancellationToken);
        }
        catch (UpstreamChallengeException ex)
        {
            return UpstreamChallengeProblem(ex);
        }

        X509Certificate2? ca = backends.For(profile).Identity?.CaChain[0];
        string body = issue.CapReached
            ? $"<P> The password cache is full. <P> Unused passwords are kept for {profile.Options.ChallengeLifetimeMinutes} minutes; "
              + "wait until one is used or expires. </P>"
            : "<P> To complete certificate enrollment for your network device you will need the following information: "
              + $"<P> The thumbprint (hash value) for the CA certificate is: <B> {(ca is null ? "(not available yet)" : Thumbprint(ca.RawData))} </B> "
              + $"<P> The enrollment challenge password is: <B> {issue.Password} </B> "
              + $"<P> This password can be used only once and will expire within {profile.Options.ChallengeLifetimeMinutes} minutes. "
              + "<P> Each enrollment requires a new challenge password. You can refresh this web page to obtain a new challenge password. </P>";
        string html = "<HTML><Head><Meta HTTP-Equiv=\"Content-Type\" Content=\"text/html; charset=UTF-16\">"
            + "<Title>Network Device Enrollment Service</Title></Head><Body BgColor=#FFFFFF><Font ID=locPageFont Face=\"Arial\">"
            + "<P ID=locPageTitle> Network Device Enrollment Service allows you to obtain certificates for routers or other "
            + "network devices using the Simple Certificate Enrollment Protocol (SCEP). </P>"
            + body
            + "</Font></Body></HTML>";

        // Never cached: every load is a new password.
        http.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(Encoding.Unicode.GetBytes(html), "text/html; charset=utf-16");
    }

    /// <summary>502: a <c>Backend=Ndes</c> profile's password comes from the upstream's admin page, which failed.</summary>
    internal static IResult UpstreamChallengeProblem(UpstreamChallengeException ex) => Results.Problem(
        statusCode: StatusCodes.Status502BadGateway,
        title: "The upstream CA gave no one-time password.",
        detail: ex.Message);

    /// <summary>
    /// NDES shows the MD5 of the CA certificate in four groups of eight hex digits; devices that ask for a
    /// fingerprint at enrolment (Cisco IOS) compare against it. Display only: MD5 secures nothing here.
    /// </summary>
    private static string Thumbprint(byte[] certificate)
    {
#pragma warning disable CA5351 // The value NDES shows; it is compared by people, not relied on for security.
        string hex = Convert.ToHexString(MD5.HashData(certificate));
#pragma warning restore CA5351
        return string.Join(' ', Enumerable.Range(0, 4).Select(i => hex.Substring(i * 8, 8)));
    }
}
