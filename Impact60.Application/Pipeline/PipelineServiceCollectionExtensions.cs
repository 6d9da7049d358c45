using Impact60.Application.Configuration;
using Impact60.Application.Events;
using Impact60.Application.Hosting;
using Impact60.Application.Notices;
using Impact60.Application.RegisterApi;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Application.Verification;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Pipeline;

/// <summary>
/// The whole pipeline's composition, shared by the Functions app and the operator CLI: the contract, storage and ingestion,
/// the register API (only when <c>Register__BaseUrl</c> is set), verification, the settlement ledger and its outputs
/// (documents, notices, the event), and the notice dispatcher.
/// </summary>
public static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddImpact60Pipeline(this IServiceCollection services, IConfiguration configuration)
    {
        var contract = LoadContract(configuration);
        services.TryAddSingleton(contract);
        services.AddImpact60Ingestion(configuration, o =>
        {
            o.ReferralCap = contract.ReferralCap;
            o.AllowReReferral = contract.AllowReReferral;
            o.MaxCourseEndWeeksAhead = contract.MaxCourseEndWeeksAhead;
        });
        if (!string.IsNullOrWhiteSpace(AppSettings.Read(configuration, AppSettingNames.RegisterBaseUrl)))
            services.AddImpact60RegisterApi(configuration);

        services.TryAddSingleton(sp => new EntitlementCalculator(sp.GetRequiredService<Contract>()));
        services.TryAddSingleton(sp => new EntitlementStore(sp.GetRequiredService<StorageClients>().Table(StorageNames.Tables.Entitlements), contract.Programme));
        services.TryAddSingleton<VerificationService>();
        services.TryAddSingleton<IEntitlementReader, CurrentEntitlements>();
        services.TryAddSingleton<VerifyQueue>();
        services.TryAddSingleton(sp => new NightlyRun(
            sp.GetRequiredService<ParticipantStore>(), sp.GetRequiredService<EntitlementStore>(), sp.GetRequiredService<VerifyQueue>(),
            sp.GetRequiredService<ILogger<NightlyRun>>(), sp.GetService<RegisterPull>()));

        services.TryAddSingleton(sp => new SettlementLedger(sp.GetRequiredService<StorageClients>().Table(StorageNames.Tables.Ledger), contract.Programme));
        services.TryAddSingleton(sp => new SettlementPlanStore(sp.GetRequiredService<StorageClients>().Container(StorageNames.Containers.Documents)));
        services.TryAddSingleton(sp => new DocumentArchive(sp.GetRequiredService<StorageClients>().Container(StorageNames.Containers.Documents)));
        services.TryAddSingleton(new SettlementTerms(contract.Invoicing.InvoiceSeries, contract.Invoicing.CreditNoteSeries, contract.Invoicing.PaymentTermsDays));
        // Outputs run in this order: documents first (the notices attach them), then notices, then the event.
        services.AddSingleton<ISettlementOutput, DocumentOutput>();
        services.AddSingleton<ISettlementOutput, NoticeOutput>();
        services.AddSingleton<ISettlementOutput, EventOutput>();
        services.AddImpact60Events(configuration); // local runs set EventsOptions.OutboxFolder themselves
        services.TryAddSingleton<SettlementService>();

        services.AddImpact60Notices(configuration);
        services.TryAddSingleton<TableNoticeLedger>();
        services.TryAddSingleton<INoticeLedger>(sp => sp.GetRequiredService<TableNoticeLedger>());
        services.TryAddSingleton<SettlementReissue>();
        services.TryAddSingleton<INoticeContentSource, SettlementNoticeContent>();
        return services;
    }

    /// <summary>Loads the contract named by <c>Contract__Path</c> (relative to the app's folder); any problem stops start-up with every error listed.</summary>
    public static Contract LoadContract(IConfiguration configuration)
    {
        var path = AppSettings.Read(configuration, AppSettingNames.ContractPath);
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidOperationException($"The contract is not configured: set '{AppSettingNames.ContractPath}' to the contract JSON file (e.g. contracts/impact60.contract.json).");
        var full = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        if (!File.Exists(full) && File.Exists(Path.GetFullPath(path))) full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new InvalidOperationException($"The contract file '{path}' ({AppSettingNames.ContractPath}) does not exist.");
        try
        {
            return ContractLoader.Load(File.ReadAllText(full), Path.GetFileName(full));
        }
        catch (ContractException e)
        {
            throw new InvalidOperationException($"The contract file '{path}' ({AppSettingNames.ContractPath}) is invalid: {e.Message}", e);
        }
    }
}
