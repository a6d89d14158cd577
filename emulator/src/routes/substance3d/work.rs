//! A Substance 3D job's work, done once when a poll first finds it done:
//! its inputs read (URLs through the bounded storage client, spaces from
//! the store), the files the request names checked among them, and its
//! outputs made as real files kept in the emulator's storage and in an
//! output space. `Err` is the job's `error`.

use std::sync::Arc;

use serde_json::{Value, json};

use super::scenes;
use crate::{
    api::Api,
    formats::{self, ImageType},
    routes::{
        App,
        photoshop::{fetch_input, rfc3339},
        shared::storage::download_url,
    },
    store::{SpaceFile, SpaceRefusal, Substance3dJob},
};

/// A render's size when the request gives none.
const DEFAULT_RENDER: (u32, u32) = (1024, 1024);
/// A composite's size when the request gives none (Adobe's default).
const DEFAULT_COMPOSE: (u32, u32) = (2688, 1536);

/// What the job made.
pub(super) async fn run(app: &App, job: &Substance3dJob) -> Result<Value, String> {
    let request = &*job.request;
    let inputs = inputs(app, request).await?;
    let key = serde_json::to_string(request).unwrap_or_default();
    match job.operation {
        "/v1/scenes/render" | "/v1/scenes/render-basic" => {
            for field in [
                "/scene/modelFile",
                "/scene/baseFile/file",
                "/scene/environment/file",
            ] {
                named(&inputs, request.pointer(field))?;
            }
            for import in request
                .pointer("/scene/models/imports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                named(&inputs, import.get("file"))?;
            }
            render(app, request, &key)
        }
        "/v1/composites/compose" => compose(app, request, &key),
        "/v1/scenes/describe" => {
            let scene = named(&inputs, request.get("sceneFile"))?
                .or_else(|| inputs.first())
                .ok_or("the sources hold no file")?;
            Ok(json!({"stats": describe(&scene.name, &scene.content)}))
        }
        "/v1/scenes/convert" => {
            let model = named(&inputs, request.get("modelEntrypoint"))?
                .or_else(|| inputs.first())
                .ok_or("the sources hold no file")?;
            let format = text(request, "format").unwrap_or("glb");
            let stem = model.name.rsplit('/').next().unwrap_or("scene");
            let stem = stem.split('.').next().unwrap_or(stem);
            let space = scene_space(app, format, stem)?;
            Ok(json!({"outputSpace": space.0}))
        }
        "/v1/scenes/assemble" => {
            named(&inputs, request.pointer("/scene/baseFile/file"))?;
            let format = text(request, "encoding").unwrap_or("glb");
            let base = text(request, "fileBaseName").unwrap_or("scene");
            let (space, url) = scene_space(app, format, base)?;
            Ok(json!({"sceneUrl": url, "outputSpace": space}))
        }
        other => Err(format!("the emulator has no work for {other}")),
    }
}

fn text<'a>(request: &'a Value, field: &str) -> Option<&'a str> {
    request.get(field).and_then(Value::as_str)
}

/// Every file of every source, named by its path in the job's tree.
async fn inputs(app: &App, request: &Value) -> Result<Vec<SpaceFile>, String> {
    let mut files = Vec::new();
    for source in request
        .get("sources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mount = source
            .get("mountPoint")
            .and_then(Value::as_str)
            .unwrap_or("/")
            .trim_matches('/');
        let under = |name: &str| {
            if mount.is_empty() {
                name.to_owned()
            } else {
                format!("{mount}/{name}")
            }
        };
        if let Some(url) = source.pointer("/url/url").and_then(Value::as_str) {
            let content = fetch_input(&app.storage, url)
                .await
                .map_err(|failure| format!("cannot read a source: {}", failure.reason))?;
            let name = source
                .pointer("/url/filename")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| {
                    url::Url::parse(url).ok().and_then(|url| {
                        url.path_segments()
                            .and_then(|mut segments| segments.next_back().map(str::to_owned))
                    })
                })
                .unwrap_or_else(|| "file".to_owned());
            files.push(SpaceFile {
                name: under(&name),
                content: Arc::from(content),
            });
        } else if let Some(id) = source.pointer("/space/id").and_then(Value::as_str) {
            let space = app.store.space(id).map_err(|refusal| match refusal {
                SpaceRefusal::Unknown => format!("no space has the id {id}"),
                SpaceRefusal::Expired => format!("the space {id} has expired"),
            })?;
            files.extend(space.files.into_iter().map(|file| SpaceFile {
                name: under(&file.name),
                content: file.content,
            }));
        } else {
            return Err("the emulator reads sources from URLs and spaces, not Frame.io".into());
        }
    }
    Ok(files)
}

/// The input a request field names, when it names one; `Err` when it
/// names a file no source holds.
fn named<'a>(
    inputs: &'a [SpaceFile],
    field: Option<&Value>,
) -> Result<Option<&'a SpaceFile>, String> {
    let Some(name) = field.and_then(Value::as_str) else {
        return Ok(None);
    };
    let wanted = name.trim_start_matches('/');
    inputs
        .iter()
        .find(|file| file.name == wanted)
        .map(Some)
        .ok_or_else(|| format!("no source holds the file {name}"))
}

fn size_of(request: &Value, default: (u32, u32)) -> (u32, u32) {
    let side = |field: &str, default: u32| {
        request
            .pointer(&format!("/size/{field}"))
            .and_then(Value::as_u64)
            .map_or(default, |n| n.clamp(1, 4096) as u32)
    };
    (side("width", default.0), side("height", default.1))
}

/// One output file: stored for download, listed in the output space.
struct Made {
    name: String,
    url: String,
    content: Arc<[u8]>,
}

fn store(
    app: &App,
    name: String,
    content: Vec<u8>,
    media_type: &'static str,
    size: Option<(u32, u32)>,
) -> Made {
    let extension = name.rsplit('.').next().unwrap_or("bin").to_owned();
    let stored = app.store.store_file(
        content.clone(),
        media_type,
        &extension,
        size,
        app.store.settings.url_lifetime,
    );
    Made {
        name,
        url: download_url(&app.url, &stored),
        content: content.into(),
    }
}

/// An output space holding `made`, in Adobe's `Space` shape.
fn output_space(app: &App, made: &[Made]) -> Value {
    let files = made
        .iter()
        .map(|file| SpaceFile {
            name: file.name.clone(),
            content: file.content.clone(),
        })
        .collect();
    let (id, expires) = app
        .store
        .create_space(files, app.store.settings.url_lifetime);
    json!({
        "id": id,
        "url": format!("{}{}/v1/spaces/{id}", app.url, Api::Substance3d.prefix()),
        "expiry": rfc3339(expires),
        "files": made.iter().map(|file| json!({
            "name": file.name, "url": file.url, "size": file.content.len(),
        })).collect::<Vec<_>>(),
    })
}

/// A render: a PNG of the size asked for (and its matte when asked).
fn render(app: &App, request: &Value, key: &str) -> Result<Value, String> {
    let size = size_of(request, DEFAULT_RENDER);
    let png = formats::stand_in(ImageType::Png, key, size, 90)?;
    let mut made = vec![store(
        app,
        "render.png".into(),
        png,
        "image/png",
        Some(size),
    )];
    let mut result = json!({"renderUrl": made[0].url, "warnings": []});
    if request.pointer("/extraOutputs/exportMatte").is_some() {
        let matte = formats::stand_in(ImageType::Png, &format!("{key}/matte"), size, 90)?;
        made.push(store(
            app,
            "matte.png".into(),
            matte,
            "image/png",
            Some(size),
        ));
        result["matteUrl"] = json!(made[1].url);
    }
    result["outputSpace"] = output_space(app, &made);
    Ok(result)
}

/// A composite: per variation, the image and its background as JPEGs and
/// the hero asset's mask as a PNG.
fn compose(app: &App, request: &Value, key: &str) -> Result<Value, String> {
    let size = size_of(request, DEFAULT_COMPOSE);
    let variations = request
        .get("numVariations")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .clamp(1, 4);
    let seed_at = |field: &str, index: usize| {
        request
            .get(field)
            .and_then(Value::as_array)
            .and_then(|seeds| seeds.get(index))
            .and_then(Value::as_i64)
            .unwrap_or(index as i64 + 1)
    };
    let mut made = Vec::new();
    let mut outputs = Vec::new();
    for index in 0..variations as usize {
        let seed = seed_at("seeds", index);
        let variation = format!("{key}/{seed}");
        let image = formats::stand_in(ImageType::Jpeg, &variation, size, 90)?;
        let background = formats::stand_in(ImageType::Jpeg, &format!("{variation}/bg"), size, 90)?;
        let mask = formats::stand_in(ImageType::Png, &format!("{variation}/mask"), size, 90)?;
        let files = [
            store(
                app,
                format!("composite_{index}.jpg"),
                image,
                "image/jpeg",
                Some(size),
            ),
            store(
                app,
                format!("background_{index}.jpg"),
                background,
                "image/jpeg",
                Some(size),
            ),
            store(
                app,
                format!("mask_{index}.png"),
                mask,
                "image/png",
                Some(size),
            ),
        ];
        outputs.push(json!({
            "seed": seed,
            "lightingSeed": seed_at("lightingSeeds", index),
            "image": {"url": files[0].url},
            "backgroundImage": {"url": files[1].url},
            "maskImage": {"url": files[2].url},
        }));
        made.extend(files);
    }
    Ok(json!({
        "outputSpace": output_space(app, &made),
        "outputs": outputs,
        "promptHasDeniedWords": false,
        "promptHasBlockedArtists": false,
        "warnings": [],
    }))
}

/// A converted or assembled scene in `format`, named `base`: its output
/// space and the scene's URL.
fn scene_space(app: &App, format: &str, base: &str) -> Result<(Value, String), String> {
    let name = format!("{base}.{format}");
    let (content, media_type) = scenes::write(format, base)?;
    let made = [store(app, name, content, media_type, None)];
    Ok((output_space(app, &made), made[0].url.clone()))
}

/// A scene's statistics in Adobe's `SceneStats` shape, read from a glTF
/// (JSON, or GLB's JSON chunk) when the file is one; another file is
/// described as an empty scene.
fn describe(name: &str, content: &[u8]) -> Value {
    let document = gltf_json(content).unwrap_or(Value::Null);
    let list = |field: &str| {
        document
            .get(field)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let names = |field: &str| -> Vec<Value> {
        list(field)
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.get("name")
                    .cloned()
                    .unwrap_or_else(|| json!(format!("{field}{i}")))
            })
            .collect()
    };
    let meshes = list("meshes");
    let sub_meshes: usize = meshes
        .iter()
        .map(|mesh| {
            mesh.get("primitives")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    let children: Vec<Value> = list("nodes")
        .iter()
        .enumerate()
        .map(|(i, node)| {
            json!({
                "name": node.get("name").and_then(Value::as_str).map_or_else(|| format!("node{i}"), str::to_owned),
                "type": if node.get("mesh").is_some() { "Mesh" } else if node.get("camera").is_some() { "Camera" } else { "Xform" },
            })
        })
        .collect();
    json!({
        "metersPerSceneUnit": 1.0,
        "sceneUpAxis": "Y",
        "numVertices": 0,
        "numEquivalentTriangles": 0,
        "numPoints": 0,
        "numLines": 0,
        "numTriangles": 0,
        "numQuads": 0,
        "numExtraPolygons": 0,
        "numFaces": 0,
        "numMeshes": meshes.len(),
        "numSubMeshes": sub_meshes,
        "numTextures": list("textures").len(),
        "cameraNames": names("cameras"),
        "materialNames": names("materials"),
        "nodesHierarchy": {"name": name, "type": "Xform", "children": children},
    })
}

/// The JSON of a glTF file: the file itself, or a GLB's first chunk.
fn gltf_json(content: &[u8]) -> Option<Value> {
    if let [b'g', b'l', b'T', b'F', _, _, _, _, _, _, _, _, rest @ ..] = content {
        let length = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let chunk = rest.get(8..8usize.checked_add(length)?)?;
        return serde_json::from_slice(chunk).ok();
    }
    serde_json::from_slice(content)
        .ok()
        .filter(Value::is_object)
}
