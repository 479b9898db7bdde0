using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing;

namespace CertBroker.Server.Admin;

/// <summary>
/// RFC 9457 problem details for every error under <c>/api/v1</c>: unknown routes (404), wrong methods (405),
/// unreadable bodies and parameters (400, 415) and unhandled exceptions (500, without internals). The SCEP
/// endpoints keep their own short text answers and never pass through here.
/// </summary>
internal static class AdminProblemDetails
{
    public static IServiceCollection AddAdminProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // A request the endpoint could not bind says what was wrong with it; its message names the parameter
            // and the expected format, nothing of the server's internals.
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Status = bad.StatusCode;
                context.ProblemDetails.Detail = bad.Message;
            }
        });

        // Binding failures are thrown so the exception handler turns them into problems with their message,
        // rather than answered with an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Adds the problem-details error handling for the admin paths; call before routing.</summary>
    public static IApplicationBuilder UseAdminProblemDetails(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(AdminApi.Prefix, StringComparison.OrdinalIgnoreCase),
            admin =>
            {
                admin.UseExceptionHandler(new ExceptionHandlerOptions
                {
                    StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
                });
                admin.UseStatusCodePages();
            });
}
