/// The schemas bibkit writes against, embedded in the binary so the installed CLI needs
/// nothing beside it.
public enum BibSchemas {
    /// Our JSON Schema for the CSL-JSON bibkit writes (`Schemas/csl-data.bibkit.json`).
    public static var cslJSON: [UInt8] { PackageResources.csl_data_bibkit_json }

    /// Our XML Schema for the JATS subset bibkit writes (`Schemas/jats-ref-list.bibkit.xsd`).
    public static var jatsRefList: [UInt8] { PackageResources.jats_ref_list_bibkit_xsd }
}
