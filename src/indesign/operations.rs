//! The InDesign operations sent through the generated client. Each job
//! operation accepts its request type (or its builder), checks it against
//! the limits of Adobe's schema and answers with an [`InDesignJob`]; the
//! script and version calls answer with Adobe's types.

use std::{fmt, sync::OnceLock};

use serde_json::Value;

use super::{InDesign, InDesignJob, generated, types};
use crate::{Error, ValidationError, decode::outcome, validate};

/// InDesign's embedded spec, for the limits of its requests.
pub(super) fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    validate::parsed_spec(
        &SPEC,
        include_str!(concat!(env!("OUT_DIR"), "/indesign_spec.json")),
    )
}

/// The request types of the operations with a JSON body, each knowing its
/// operation.
mod sealed {
    pub trait Operation {
        /// The spec's `operationId`.
        const OPERATION: &'static str;
    }
}

/// A request of an InDesign operation with a JSON body
/// (`MergeDataRequest`, `MergeDataTagsRequest`, `RemapLinksRequest`,
/// `RenditionRequest`, `DocumentInfoRequest`, `ConvertPdfRequest`,
/// `JobRequestWithOutputs` for a custom script, `ScriptAppVersionRequest`),
/// which [`InDesign::check`] checks. Implemented by those types only.
pub trait InDesignRequest: sealed::Operation + serde::Serialize {}

impl InDesign {
    /// Checks `request` as its operation does before sending it: against
    /// the limits of Adobe's schema. Sends nothing.
    pub fn check<T: InDesignRequest>(&self, request: &T) -> Result<(), Error> {
        validate::check_limits_in(spec(), generated::OPERATIONS, T::OPERATION, request)?;
        Ok(())
    }
}

/// The job a 202 answer describes; an answer without a job id is not one.
pub(super) fn job(
    operation: &'static str,
    accepted: types::JobAccepted,
) -> Result<InDesignJob, Error> {
    let job_id = accepted
        .job_id
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| Error::Decode {
            operation,
            status: Some(202),
            detail: "the job was accepted but the answer has no `jobId`".into(),
            request_id: None,
        })?;
    Ok(InDesignJob {
        job_id,
        status_url: accepted.status_url,
    })
}

/// A path segment the caller gives (a script's id or name): not empty, and
/// not able to climb out of its place in the path.
pub(super) fn segment(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "is empty").into());
    }
    if value.contains('/') || value == "." || value == ".." || value.chars().any(char::is_control) {
        return Err(ValidationError::new(field, "must be one path segment, without `/`").into());
    }
    Ok(())
}

/// One job operation: its Rust name, its request type, the spec's
/// `operationId` and the generated method.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $name:ident($request:ident) => $operation:literal, $method:ident;
    )+) => {
        impl InDesign {
            $(
                $(#[$doc])*
                pub async fn $name<R>(&self, request: R) -> Result<InDesignJob, Error>
                where
                    R: TryInto<types::$request>,
                    R::Error: fmt::Display,
                {
                    let request: types::$request = validate::built(request)?;
                    self.check(&request)?;
                    let call = self.raw.$method().body(request);
                    let accepted = outcome($operation, call.send()).await?;
                    job($operation, accepted)
                }
            )+
        }
        $(
            impl sealed::Operation for types::$request {
                const OPERATION: &'static str = $operation;
            }
            impl InDesignRequest for types::$request {}
        )+
    };
}

operations! {
    /// Merges the records of a CSV file into a template
    /// (`POST /v3/merge-data`) and writes the merged document or its
    /// rendition to the outputs you name.
    merge_data(MergeDataRequest) => "dataMerge", data_merge;
    /// Lists a template's data-merge fields (`POST /v3/merge-data-tags`);
    /// the list is in the finished job's data.
    merge_data_tags(MergeDataTagsRequest) => "dataMergeTags", data_merge_tags;
    /// Renders a document as PDF, JPEG or PNG (`POST /v3/create-rendition`).
    create_rendition(RenditionRequest) => "renditionJob", rendition_job;
    /// Describes a document: pages, page items, stories, links, fonts
    /// (`POST /v3/document-info`); the report is in the finished job's data.
    document_info(DocumentInfoRequest) => "getDocumentInfo", get_document_info;
    /// Converts a PDF file to an InDesign document or IDML package
    /// (`POST /v3/convert-pdf-to-indesign`).
    convert_pdf_to_indesign(ConvertPdfRequest) => "convertPDFToInDesign", convert_pdf_to_in_design;
}

impl sealed::Operation for types::RemapLinksRequest {
    const OPERATION: &'static str = "remapLinks";
}
impl InDesignRequest for types::RemapLinksRequest {}

impl sealed::Operation for types::JobRequestWithOutputs {
    const OPERATION: &'static str = "executeCustomScript";
}
impl InDesignRequest for types::JobRequestWithOutputs {}

impl sealed::Operation for types::ScriptAppVersionRequest {
    const OPERATION: &'static str = "updateScriptAppVersion";
}
impl InDesignRequest for types::ScriptAppVersionRequest {}

impl InDesign {
    /// Points a document's links at new URIs (`POST /v3/remap-links`),
    /// such as Adobe Experience Manager URLs: `aem_token` is the AEM
    /// technical account's access token (without `Bearer`), sent as
    /// `x-aem-token` to the InDesign host only.
    pub async fn remap_links<R>(&self, aem_token: &str, request: R) -> Result<InDesignJob, Error>
    where
        R: TryInto<types::RemapLinksRequest>,
        R::Error: fmt::Display,
    {
        const OPERATION: &str = "remapLinks";
        if aem_token.trim().is_empty() {
            return Err(ValidationError::new("x-aem-token", "is empty").into());
        }
        let request: types::RemapLinksRequest = validate::built(request)?;
        self.check(&request)?;
        let call = self.raw.remap_links().x_aem_token(aem_token).body(request);
        job(OPERATION, outcome(OPERATION, call.send()).await?)
    }

    /// The InDesign versions custom scripts can run on
    /// (`GET /v3/app-versions`).
    pub async fn app_versions(&self) -> Result<Vec<types::AppVersionInfo>, Error> {
        outcome("listAppVersions", self.raw.list_app_versions().send()).await
    }

    /// One page of the uploaded custom scripts (`GET /v3/scripts`); `page`
    /// from the previous page's `paging.nextUrl`, or `None` for the first.
    pub async fn list_scripts(&self, page: Option<i64>) -> Result<types::CustomScriptPage, Error> {
        let mut call = self.raw.list_custom_scripts();
        if let Some(page) = page {
            if page < 0 {
                return Err(ValidationError::new("page", "must be 0 or more").into());
            }
            call = call.page(page);
        }
        outcome("listCustomScripts", call.send()).await
    }

    /// Runs an uploaded script on documents
    /// (`POST /v3/{script_id}/{script_name}`), with the id and name from
    /// the URL its upload answered with
    /// ([`ScriptUpload::script_id`](super::ScriptUpload::script_id)).
    pub async fn run_script<R>(
        &self,
        script_id: &str,
        script_name: &str,
        request: R,
    ) -> Result<InDesignJob, Error>
    where
        R: TryInto<types::JobRequestWithOutputs>,
        R::Error: fmt::Display,
    {
        const OPERATION: &str = "executeCustomScript";
        segment("script_id", script_id)?;
        segment("script_name", script_name)?;
        let request: types::JobRequestWithOutputs = validate::built(request)?;
        self.check(&request)?;
        let call = self
            .raw
            .execute_custom_script()
            .script_id(script_id)
            .script_name(script_name)
            .body(request);
        job(OPERATION, outcome(OPERATION, call.send()).await?)
    }

    /// What is known of an uploaded script
    /// (`GET /v3/scripts/{script_name}`).
    pub async fn script_details(
        &self,
        script_name: &str,
    ) -> Result<types::CustomScriptDetails, Error> {
        segment("script_name", script_name)?;
        let call = self
            .raw
            .get_custom_script_details()
            .script_name(script_name);
        outcome("getCustomScriptDetails", call.send()).await
    }

    /// Deletes an uploaded script (`DELETE /v3/scripts/{script_name}`).
    pub async fn delete_script(&self, script_name: &str) -> Result<(), Error> {
        segment("script_name", script_name)?;
        let call = self.raw.delete_custom_script().script_name(script_name);
        outcome("deleteCustomScript", call.send()).await
    }

    /// Chooses the InDesign version a script runs on
    /// (`PUT /v3/scripts/{script_name}/app-version`).
    pub async fn update_script_app_version<R>(
        &self,
        script_name: &str,
        request: R,
    ) -> Result<types::UpdateScriptAppVersionResponse, Error>
    where
        R: TryInto<types::ScriptAppVersionRequest>,
        R::Error: fmt::Display,
    {
        segment("script_name", script_name)?;
        let request: types::ScriptAppVersionRequest = validate::built(request)?;
        self.check(&request)?;
        let call = self
            .raw
            .update_script_app_version()
            .script_name(script_name)
            .body(request);
        outcome("updateScriptAppVersion", call.send()).await
    }
}
